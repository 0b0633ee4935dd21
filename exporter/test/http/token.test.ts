/** The API token check: right token accepted, any other rejected, compared as equal-length digests. */
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasApiToken, tokensEqual } from '../../src/plugins/auth';
import { testApp, testConfig } from '../support/app';

const TOKEN = 'token-1234567890';
const req = (authorization?: string) =>
  ({ headers: authorization === undefined ? {} : { authorization } }) as FastifyRequest;

describe('hasApiToken', () => {
  it('accepts the right token (any case of "Bearer", surrounding spaces trimmed)', () => {
    expect(hasApiToken(TOKEN, req(`Bearer ${TOKEN}`))).toBe(true);
    expect(hasApiToken(TOKEN, req(`bearer   ${TOKEN} `))).toBe(true);
  });

  it.each([
    ['a wrong token of the same length', `Bearer ${TOKEN.replace(/0$/, '1')}`],
    ['a shorter token (a prefix)', `Bearer ${TOKEN.slice(0, -1)}`],
    ['a longer token (an extension)', `Bearer ${TOKEN}0`],
    ['an empty token', 'Bearer '],
    ['only whitespace', 'Bearer      '],
    ['another scheme', `Basic ${TOKEN}`],
    ['no header', undefined],
  ])('rejects %s', (_name, header) => {
    expect(hasApiToken(TOKEN, req(header))).toBe(false);
  });

  it('lets everything through when no token is configured', () => {
    expect(hasApiToken(undefined, req())).toBe(true);
  });
});

describe('the comparison', () => {
  afterEach(() => jest.restoreAllMocks());

  it('always compares two SHA-256 digests of equal length, whatever the length of the given token', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    const given = ['', 'x', TOKEN.slice(0, 8), TOKEN, TOKEN.toUpperCase(), `${TOKEN}${'y'.repeat(1000)}`];
    for (const g of given) expect(() => hasApiToken(TOKEN, req(`Bearer ${g}`))).not.toThrow();
    expect(spy).toHaveBeenCalledTimes(given.length);
    for (const [a, b] of spy.mock.calls) {
      expect((a as Buffer).length).toBe(32);
      expect((b as Buffer).length).toBe(32);
    }
  });

  it('tokensEqual is true only for identical strings, and never throws on different lengths', () => {
    expect(tokensEqual(TOKEN, TOKEN)).toBe(true);
    expect(tokensEqual(TOKEN.toUpperCase(), TOKEN)).toBe(false);
    expect(tokensEqual('', '')).toBe(true);
    expect(tokensEqual('', TOKEN)).toBe(false);
    expect(tokensEqual(`${TOKEN}!`, TOKEN)).toBe(false);
  });
});

describe('per-user routes with server.apiToken', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp(
      testConfig({
        prometheus: { url: 'http://127.0.0.1:9', retries: 0 },
        server: { host: '127.0.0.1', port: 0, apiToken: TOKEN },
      })
    );
  });
  afterAll(async () => {
    await app?.close();
  });
  const get = (authorization?: string) =>
    app.inject({
      url: '/api/v1/usage/user/alice/days/2026-03-01',
      headers: authorization === undefined ? {} : { authorization },
    });

  it('answer with the right token and 401 with a wrong, shorter, longer or empty one', async () => {
    expect((await get(`Bearer ${TOKEN}`)).statusCode).toBe(200);
    for (const h of [
      `Bearer ${TOKEN.slice(0, -1)}x`,
      `Bearer ${TOKEN.slice(0, 4)}`,
      `Bearer ${TOKEN}${TOKEN}`,
      'Bearer ',
      undefined,
    ]) {
      const r = await get(h);
      expect(r.statusCode).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer');
    }
  });
});
