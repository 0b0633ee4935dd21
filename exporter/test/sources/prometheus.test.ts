// PrometheusClient against recorded Prometheus 2.42 responses served over real HTTP: answers and range splitting.
import { PrometheusClient, PrometheusError, splitRange, MAX_POINTS_PER_SERIES } from '../../src/sources/prometheus';
import { HttpStub, sendJson, startHttpStub } from './httpStub';
import { prom, promClient, PromOptions } from './promSupport';

let stub: HttpStub;
afterEach(async () => stub?.close());

function client(extra: Partial<PromOptions> = {}): PrometheusClient {
  return promClient(stub.url, extra);
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
