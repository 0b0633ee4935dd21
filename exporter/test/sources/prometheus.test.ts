// PrometheusClient against recorded Prometheus 2.42 responses served over real HTTP.
import { PrometheusClient, PrometheusError, splitRange, MAX_POINTS_PER_SERIES } from '../../src/sources/prometheus';
import { isLoopback } from '../../src/sources/prometheus/client';
import { closedPort, fixture, HttpStub, sendJson, startHttpStub } from './httpStub';

const prom = (rel: string): string => fixture(`prometheus/${rel}`);

let stub: HttpStub;
afterEach(async () => stub?.close());

function client(extra: Partial<ConstructorParameters<typeof PrometheusClient>[0]> = {}): PrometheusClient {
  return new PrometheusClient({ url: stub.url, timeoutSeconds: 2, retries: 0, retryBaseDelayMs: 5, ...extra });
}

describe('PrometheusClient: successful answers', () => {
  it('POSTs the form-encoded query and parses a vector', async () => {
    stub = await startHttpStub((_req, res) => sendJson(res, 200, prom('query_vector_increase_1h.json')));
    const c = client();
    const expr = 'increase(node_cpu_seconds_total{cloud_project_name="CDAaaS"}[1h])';
    const samples = await c.instantQuery(expr, 1757599200);
    expect(samples).toHaveLength(4);
    expect(samples[0]).toEqual({
      metric: {
        cloud_project_name: 'CDAaaS',
        machine_name: 'Artemis (Matlab)',
        host: '172.16.100.116',
        instance: 'host-172-16-100-116.nubes.stfc.ac.uk:9100',
        job: 'node',
        cpu: '0',
        mode: 'idle',
      },
      value: 3412.52,
    });
    expect(samples.map((s) => s.value)).toEqual([3412.52, 151.97, 3489.1, 20.33]);
    const req = stub.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/api/v1/query');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(req.body);
    expect(form.get('query')).toBe(expr);
    expect(form.get('time')).toBe('1757599200');
    expect(form.get('timeout')).toBe('2');
    expect(c.stats.requests).toBe(1);
    expect(c.stats.failures).toBe(0);
    expect(c.stats.lastDurationSeconds).toBeGreaterThan(0);
  });

  it('keeps a path prefix in the base URL', async () => {
    stub = await startHttpStub((_req, res) => sendJson(res, 200, prom('query_up.json')));
    const c = new PrometheusClient({ url: `${stub.url}/prom/`, timeoutSeconds: 2, retries: 0 });
    const samples = await c.instantQuery('up');
    expect(stub.requests[0]!.url).toBe('/prom/api/v1/query');
    expect(new URLSearchParams(stub.requests[0]!.body).has('time')).toBe(false);
    expect(samples.map((s) => [s.metric.job, s.value])).toEqual([
      ['prometheus', 1],
      ['node', 1],
    ]);
  });

  it('parses a matrix for range queries', async () => {
    stub = await startHttpStub((_req, res) =>
      sendJson(res, 200, prom('query_range_rate_node_cpu_idle_1m_step15s.json'))
    );
    const c = client();
    const series = await c.rangeQuery('rate(node_cpu_seconds_total{mode="idle"}[1m])', 1795844423, 1795844483, 15);
    expect(series).toHaveLength(2);
    expect(series[0]!.metric).toEqual({ cpu: '0', instance: '127.0.0.1:19100', job: 'node', mode: 'idle' });
    expect(series[0]!.values[0]).toEqual([1795844423, 0.47768173703703687]);
    expect(series[1]!.values).toHaveLength(5);
    const form = new URLSearchParams(stub.requests[0]!.body);
    expect(stub.requests[0]!.url).toBe('/api/v1/query_range');
    expect([form.get('start'), form.get('end'), form.get('step')]).toEqual(['1795844423', '1795844483', '15']);
  });

  it('asks /api/v1/series with every matcher and reads the label sets; a non-array answer is a parse error', async () => {
    const sets = [{ __name__: 'node_cpu_seconds_total', cpu: '0', instance: 'a:9100', job: 'node', mode: 'idle' }];
    stub = await startHttpStub((_req, res) => sendJson(res, 200, JSON.stringify({ status: 'success', data: sets })));
    const c = client();
    expect(
      await c.series(['node_cpu_seconds_total{mode="idle"}', 'instance:node_cpus:count_at_30m'], 1795844400, 1795848000)
    ).toEqual(sets);
    const form = new URLSearchParams(stub.requests[0]!.body);
    expect(stub.requests[0]!.url).toBe('/api/v1/series');
    expect(form.getAll('match[]')).toEqual(['node_cpu_seconds_total{mode="idle"}', 'instance:node_cpus:count_at_30m']);
    expect([form.get('start'), form.get('end')]).toEqual(['1795844400', '1795848000']);
    await stub.close();
    stub = await startHttpStub((_req, res) =>
      sendJson(res, 200, JSON.stringify({ status: 'success', data: { resultType: 'vector' } }))
    );
    const err = (await client()
      .series(['up'], 0, 1)
      .catch((e: unknown) => e)) as PrometheusError;
    expect([err.kind, err.message]).toEqual(['parse', 'unexpected series result: data is not an array']);
  });

  it('turns a scalar into one unlabelled sample and reads NaN and ±Inf', async () => {
    const bodies = [
      { resultType: 'scalar', result: [1795844482.5, '42.5'] },
      {
        resultType: 'vector',
        result: [
          { metric: { a: 'nan' }, value: [1, 'NaN'] },
          { metric: { a: 'pinf' }, value: [1, '+Inf'] },
          { metric: { a: 'ninf' }, value: [1, '-Inf'] },
          { metric: { a: 'exp' }, value: [1, '1e-3'] },
        ],
      },
    ];
    let i = 0;
    stub = await startHttpStub((_req, res) =>
      sendJson(res, 200, JSON.stringify({ status: 'success', data: bodies[i++] }))
    );
    const c = client();
    expect(await c.instantQuery('scalar(up)')).toEqual([{ metric: {}, value: 42.5 }]);
    const vals = await c.instantQuery('x');
    expect(vals[0]!.value).toBeNaN();
    expect(vals.slice(1).map((s) => s.value)).toEqual([Infinity, -Infinity, 0.001]);
  });

  it('reads buildinfo with GET', async () => {
    stub = await startHttpStub((_req, res) => sendJson(res, 200, prom('status_buildinfo.json')));
    expect(await client().buildInfo()).toEqual({ version: '2.42.0+ds' });
    expect(stub.requests[0]!.method).toBe('GET');
    expect(stub.requests[0]!.url).toBe('/api/v1/status/buildinfo');
  });
});

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

describe('splitRange (points limit)', () => {
  it('keeps a small range whole', () => {
    expect(splitRange(0, 3600, 15)).toEqual([[0, 3600]]);
  });
  it('cuts at maxPoints per sub-range, on the step grid, without overlap', () => {
    const parts = splitRange(1000, 1000 + 25000 * 60, 60);
    const points = (a: number, b: number): number => Math.floor((b - a) / 60) + 1;
    expect(parts.length).toBe(3);
    for (const [a, b] of parts) {
      expect(points(a, b)).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
      expect((a - 1000) % 60).toBe(0);
    }
    expect(parts.reduce((n, [a, b]) => n + points(a, b), 0)).toBe(25001);
    expect(parts[0]).toEqual([1000, 1000 + 10999 * 60]);
    expect(parts[1]![0]).toBe(parts[0]![1] + 60);
    expect(parts[2]![1]).toBe(1000 + 25000 * 60);
  });
  it('honours a custom maxPoints and refuses a bad step', () => {
    expect(splitRange(0, 9, 1, 5)).toEqual([
      [0, 4],
      [5, 9],
    ]);
    expect(splitRange(0, 10, 1, 5)).toEqual([
      [0, 4],
      [5, 9],
      [10, 10],
    ]);
    expect(() => splitRange(0, 10, 0)).toThrow(RangeError);
    expect(splitRange(10, 0, 1)).toEqual([]);
  });
});
