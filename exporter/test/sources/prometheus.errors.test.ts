// PrometheusClient errors: API envelopes, retries, parse failures, timeouts and refused connections.
import { PrometheusClient, PrometheusError } from '../../src/sources/prometheus';
import { closedPort, HttpStub, sendJson, startHttpStub } from './httpStub';
import { prom, promClient, PromOptions } from './promSupport';

let stub: HttpStub;
afterEach(async () => stub?.close());

function client(extra: Partial<PromOptions> = {}): PrometheusClient {
  return promClient(stub.url, extra);
}

describe('PrometheusClient: errors', () => {
  it('surfaces the bad_data envelope and does not retry it', async () => {
    stub = await startHttpStub((_req, res) => sendJson(res, 400, prom('error_bad_data.json')));
    const c = client({ retries: 3 });
    const err = (await c.rangeQuery('up', 0, 1e6, 1).catch((e: unknown) => e)) as PrometheusError;
    expect(err).toBeInstanceOf(PrometheusError);
    expect(err.kind).toBe('api');
    expect(err.status).toBe(400);
    expect(err.errorType).toBe('bad_data');
    expect(err.retryable).toBe(false);
    expect(err.expr).toBe('up');
    expect(err.message).toContain('bad_data');
    expect(err.message).toContain('exceeded maximum resolution of 11,000 points');
    expect(c.stats.requests).toBe(1);
    expect(c.stats.failures).toBe(1);
  });

  it('reports the recorded syntax error', async () => {
    stub = await startHttpStub((_req, res) => sendJson(res, 400, prom('query_error_bad_syntax.json')));
    const err = (await client()
      .instantQuery('rate(x[1])')
      .catch((e: unknown) => e)) as PrometheusError;
    expect([err.kind, err.errorType]).toEqual(['api', 'bad_data']);
    expect(err.message).toContain('parse error: missing unit character in duration');
  });

  it('retries a 5xx and counts every request', async () => {
    let n = 0;
    stub = await startHttpStub((_req, res) => {
      n++;
      if (n <= 2) sendJson(res, 503, '{"status":"error","errorType":"unavailable","error":"overloaded"}');
      else sendJson(res, 200, prom('query_up.json'));
    });
    const c = client({ retries: 2 });
    const samples = await c.instantQuery('up');
    expect(samples).toHaveLength(2);
    expect(c.stats.requests).toBe(3);
    expect(c.stats.failures).toBe(2);
  });

  it('gives up after the configured retries with the last error', async () => {
    stub = await startHttpStub((_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    });
    const c = client({ retries: 1 });
    const err = (await c.instantQuery('up').catch((e: unknown) => e)) as PrometheusError;
    expect([err.kind, err.status, err.retryable]).toEqual(['http', 502, true]);
    expect(err.message).toContain('Bad Gateway');
    expect(c.stats.requests).toBe(2);
  });

  it('does not retry a 4xx without envelope', async () => {
    stub = await startHttpStub((_req, res) => {
      res.writeHead(401);
      res.end('unauthorized');
    });
    const c = client({ retries: 3 });
    const err = (await c.instantQuery('up').catch((e: unknown) => e)) as PrometheusError;
    expect([err.kind, err.status, err.retryable]).toEqual(['http', 401, false]);
    expect(c.stats.requests).toBe(1);
  });

  it.each([
    ['non-JSON 200', 'this is not json'],
    ['wrong envelope', '{"data":{"resultType":"vector","result":[]}}'],
    ['matrix for an instant query', prom('query_range_up_1m_step15s.json')],
    [
      'unparseable value',
      '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"abc"]}]}}',
    ],
    ['numeric value', '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,5]}]}}'],
  ])('%s is kind parse', async (_name, body) => {
    stub = await startHttpStub((_req, res) => sendJson(res, 200, body));
    const c = client({ retries: 2 });
    const err = (await c.instantQuery('up').catch((e: unknown) => e)) as PrometheusError;
    expect(err).toBeInstanceOf(PrometheusError);
    expect(err.kind).toBe('parse');
    expect(err.retryable).toBe(false);
    expect(c.stats.requests).toBe(1);
  });

  it('times out against a slow server (kind timeout, retried)', async () => {
    stub = await startHttpStub((_req, res) => {
      setTimeout(() => sendJson(res, 200, prom('query_up.json')), 1500).unref();
    });
    const c = client({ timeoutSeconds: 0.2, retries: 1 });
    const t0 = Date.now();
    const err = (await c.instantQuery('up').catch((e: unknown) => e)) as PrometheusError;
    expect(err.kind).toBe('timeout');
    expect(err.retryable).toBe(true);
    expect(c.stats.requests).toBe(2);
    expect(Date.now() - t0).toBeLessThan(1400);
  });

  it('reports connection refused as kind network', async () => {
    stub = await startHttpStub(() => undefined);
    const port = await closedPort();
    const c = new PrometheusClient({
      url: `http://127.0.0.1:${port}`,
      timeoutSeconds: 2,
      retries: 1,
      retryBaseDelayMs: 5,
    });
    const err = (await c.instantQuery('up').catch((e: unknown) => e)) as PrometheusError;
    expect(err.kind).toBe('network');
    expect(err.message).toContain('ECONNREFUSED');
    expect(c.stats.requests).toBe(2);
    expect(c.stats.failures).toBe(2);
  });
});
