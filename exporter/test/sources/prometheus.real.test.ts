// PrometheusClient against a real Prometheus 2.42 (the Debian binary) on loopback.
import { MAX_POINTS_PER_SERIES, PrometheusClient, PrometheusError, splitRange } from '../../src/sources/prometheus';
import { RealPrometheus, startRealPrometheus } from './realPrometheus';

let prom: RealPrometheus;
let client: PrometheusClient;

beforeAll(async () => {
  prom = await startRealPrometheus();
  client = new PrometheusClient({ url: prom.url, timeoutSeconds: 10, retries: 2, retryBaseDelayMs: 50 });
}, 30000);
afterAll(async () => prom?.stop());

describe('PrometheusClient against a real Prometheus', () => {
  it('evaluates vector(1)', async () => {
    expect(await client.instantQuery('vector(1)')).toEqual([{ metric: {}, value: 1 }]);
  });

  it('evaluates time() at a given instant and now', async () => {
    expect(await client.instantQuery('time()', 1700000000)).toEqual([{ metric: {}, value: 1700000000 }]);
    const [now] = await client.instantQuery('time()');
    expect(Math.abs(now!.value - Date.now() / 1000)).toBeLessThan(5);
  });

  it('reads NaN and +Inf as numbers', async () => {
    const [nan] = await client.instantQuery('vector(0/0)');
    const [inf] = await client.instantQuery('vector(1/0)');
    const [ninf] = await client.instantQuery('-1/0');
    expect(nan!.value).toBeNaN();
    expect(inf!.value).toBe(Infinity);
    expect(ninf!.value).toBe(-Infinity);
  });

  it('runs a range query with labels, one point per step', async () => {
    const series = await client.rangeQuery(
      'label_replace(vector(2), "site", "isis", "", "")',
      1700000000,
      1700000060,
      15
    );
    expect(series).toEqual([
      {
        metric: { site: 'isis' },
        values: [0, 15, 30, 45, 60].map((d) => [1700000000 + d, 2]),
      },
    ]);
  });

  it('refuses a range over the points limit, and splitRange makes it fit', async () => {
    const start = 1700000000;
    const end = start + 12000; // 12,001 points at step 1
    const err = (await client.rangeQuery('vector(1)', start, end, 1).catch((e: unknown) => e)) as PrometheusError;
    expect([err.kind, err.errorType, err.status, err.retryable]).toEqual(['api', 'bad_data', 400, false]);
    const parts = splitRange(start, end, 1);
    expect(parts.length).toBe(2);
    const all = [];
    for (const [a, b] of parts) all.push(...(await client.rangeQuery('time()', a, b, 1))[0]!.values);
    expect(all.length).toBe(12001);
    expect(all.every(([t, v], i) => t === start + i && v === t)).toBe(true);
    expect(MAX_POINTS_PER_SERIES).toBe(11000);
  });

  it('reports a syntax error as bad_data without retrying', async () => {
    const before = client.stats.requests;
    const err = (await client.instantQuery('sum(rate(up[5m])').catch((e: unknown) => e)) as PrometheusError;
    expect(err).toBeInstanceOf(PrometheusError);
    expect([err.kind, err.errorType, err.status]).toEqual(['api', 'bad_data', 400]);
    expect(err.message).toMatch(/^bad_data: .*parse error/);
    expect(client.stats.requests).toBe(before + 1);
  });

  it('sends long PromQL in the body (POST)', async () => {
    const expr = `vector(1) + ${Array.from({ length: 2000 }, () => '0').join(' + ')}`; // ~8 kB
    expect(expr.length).toBeGreaterThan(7000);
    expect((await client.instantQuery(expr))[0]!.value).toBe(1);
  });

  it('reads buildinfo', async () => {
    expect((await client.buildInfo()).version).toMatch(/^2\.\d+\.\d+/);
  });
});
