// PrometheusClient request headers (auth, user agent, encoding) and option checks.
import { PrometheusClient } from '../../src/sources/prometheus';
import { isLoopback } from '../../src/sources/prometheus/client';
import { HttpStub, sendJson, startHttpStub } from './httpStub';
import { prom, promClient, PromOptions } from './promSupport';

let stub: HttpStub;
afterEach(async () => stub?.close());

function client(extra: Partial<PromOptions> = {}): PrometheusClient {
  return promClient(stub.url, extra);
}

describe('PrometheusClient: headers', () => {
  beforeEach(async () => {
    stub = await startHttpStub((_req, res) => sendJson(res, 200, prom('query_up.json')));
  });

  it('sends a bearer token and the user agent', async () => {
    await client({ bearerToken: 's3cret\n', userAgent: 'ada-carbon-test/1' }).instantQuery('up');
    expect(stub.requests[0]!.headers.authorization).toBe('Bearer s3cret');
    expect(stub.requests[0]!.headers['user-agent']).toBe('ada-carbon-test/1');
  });

  it('sends basic auth', async () => {
    await client({ basicAuth: { username: 'ada', password: 'p:ss wörd' } }).instantQuery('up');
    const header = stub.requests[0]!.headers.authorization!;
    expect(header.startsWith('Basic ')).toBe(true);
    expect(Buffer.from(header.slice(6), 'base64').toString('utf8')).toBe('ada:p:ss wörd');
  });

  it('sends no Authorization header by default', async () => {
    await client().instantQuery('up');
    expect(stub.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('asks a Prometheus on this machine for an uncompressed answer, and says nothing of encoding to others', async () => {
    await client().instantQuery('up');
    expect(stub.requests[0]!.headers['accept-encoding']).toBe('identity');
    const host = (u: string) => isLoopback(new URL(u));
    for (const u of [
      'http://localhost:9090',
      'http://127.0.0.1:9090',
      'http://127.1.2.3',
      'http://[::1]:9090/prom',
      'http://prom.localhost',
    ])
      expect([u, host(u)]).toEqual([u, true]);
    for (const u of [
      'http://prometheus:9090',
      'https://prom.ada.stfc.ac.uk',
      'http://10.0.0.5:9090',
      'http://127.0.0.1.nip.io',
    ]) {
      expect([u, host(u)]).toEqual([u, false]);
    }
  });

  it('refuses contradictory or invalid options', () => {
    expect(() => client({ bearerToken: 'a', basicAuth: { username: 'u', password: 'p' } })).toThrow(/not both/);
    expect(() => new PrometheusClient({ url: 'not a url', timeoutSeconds: 1, retries: 0 })).toThrow(RangeError);
    expect(() => client({ retries: -1 })).toThrow(RangeError);
  });
});
