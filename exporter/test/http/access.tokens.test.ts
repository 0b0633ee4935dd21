/**
 * Identity and access through app.inject, by token: wrong, empty, wrong-case and over-long tokens; the admin list
 * read at start; the token configuration (the deprecated server.apiToken, redaction, validation).
 */
import { ConfigError, redactConfig } from '../../src/config';
import { testApp, testConfig } from '../support/app';
import type { WorkspacesBody } from '../support/restTypes';
import { ADMIN, CREDENTIALS, DAY, PROXY, appWith, sharedApp } from './accessSupport';

const { get } = sharedApp();

describe('tokens', () => {
  it.each([
    ['wrong', `Bearer ${ADMIN.slice(0, -1)}x`],
    ['empty', 'Bearer '],
    ['only whitespace', 'Bearer     '],
    ['wrong in case', `Bearer ${ADMIN.toUpperCase()}`],
    ['too long (the token twice)', `Bearer ${ADMIN}${ADMIN}`],
    ['10 KB long', `Bearer ${'a'.repeat(10_240)}`],
    ['a prefix of the admin token', `Bearer ${ADMIN.slice(0, 8)}`],
    ['the proxy token in another case', `Bearer ${PROXY.toUpperCase()}`],
    ['another scheme', `Basic ${ADMIN}`],
  ])('a %s token is no credential: 401 on per-user routes, user names hidden', async (_name, authorization) => {
    expect((await get(DAY, { authorization, 'x-grafana-user': 'alice' })).statusCode).toBe(401);
    const body = (await get('/api/v1/workspaces', { authorization })).json<WorkspacesBody>();
    expect(new Set(body.workspaces.map((w) => w.user))).toEqual(new Set(['hidden']));
  });

  it('the scheme is case-insensitive and the token trimmed, as before', async () => {
    expect((await get(DAY, { authorization: `bearer   ${ADMIN} ` })).statusCode).toBe(200);
  });
});

describe('the admin list', () => {
  it('is read at start: a changed list takes effect on restart (there is no reload)', async () => {
    const before = await appWith({ adminToken: ADMIN, proxyToken: PROXY, admins: ['alice'] });
    const after = await appWith({ adminToken: ADMIN, proxyToken: PROXY, admins: ['bob'] });
    try {
      const bobDay = '/api/v1/usage/user/bob/days/2026-03-01';
      const asAlice = CREDENTIALS['proxy+self'];
      expect((await before.inject({ url: bobDay, headers: asAlice })).statusCode).toBe(200);
      expect((await after.inject({ url: bobDay, headers: asAlice })).statusCode).toBe(403);
      expect((await after.inject({ url: DAY, headers: CREDENTIALS['proxy+other'] })).statusCode).toBe(200);
    } finally {
      await before.close();
      await after.close();
    }
  });
});

describe('configuration', () => {
  it('server.apiToken still works as the admin token, with a deprecation warning at start', async () => {
    const lines: string[] = [];
    const stream = { write: (line: string) => void lines.push(line) };
    const old = await testApp(
      testConfig({ prometheus: { url: 'http://127.0.0.1:9', retries: 0 }, server: { apiToken: ADMIN } }),
      { logger: { level: 'warn', stream } }
    );
    expect(lines.join('')).toContain('server.apiToken is deprecated: set server.auth.adminToken');
    try {
      expect((await old.inject({ url: DAY, headers: CREDENTIALS.admin })).statusCode).toBe(200);
      expect((await old.inject({ url: DAY })).statusCode).toBe(401);
    } finally {
      await old.close();
    }
  });

  it('redacts both tokens when the config is printed', () => {
    const loaded = testConfig({ server: { auth: { adminToken: ADMIN, proxyToken: PROXY } } });
    const printed = JSON.stringify(redactConfig(loaded.config));
    expect(printed).not.toContain(ADMIN);
    expect(printed).not.toContain(PROXY);
    expect(loaded.secrets).toMatchObject({ apiToken: ADMIN, proxyToken: PROXY });
  });

  it.each([
    [{ adminToken: '          ' }, 'server.auth.adminToken', 'must not be blank (it is only whitespace)'],
    [{ proxyToken: '          ' }, 'server.auth.proxyToken', 'must not be blank (it is only whitespace)'],
    [{ proxyToken: ' proxy-token-1 ' }, 'server.auth.proxyToken', 'must not begin or end with whitespace'],
    [{ adminToken: ADMIN, proxyToken: ADMIN }, 'server.auth.proxyToken', 'must differ from the admin token'],
    [{ userHeader: 'Authorization' }, 'server.auth.userHeader', 'must not be Authorization (it carries the tokens)'],
    [{ proxyToken: 'x'.repeat(1025) }, 'server.auth.proxyToken', 'must NOT have more than 1024 characters'],
  ])('rejects %j', (auth, key, message) => {
    let issues: Array<{ key: string; message: string }> = [];
    try {
      testConfig({ server: { auth } });
    } catch (err) {
      if (err instanceof ConfigError) issues = err.issues.map((i) => ({ key: i.key, message: i.message }));
    }
    expect(issues).toContainEqual({ key, message });
  });
});
