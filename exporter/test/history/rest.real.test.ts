/** The usage REST API over a backfilled synthetic fleet: shapes, rollups, data quality, auth, bad parameters. */
import type { FastifyInstance } from 'fastify';
import { testApp } from '../support/app';
import type {
  EstimatedDayBody,
  ErrorBody,
  HeatmapBody,
  MachinesBody,
  SummaryBody,
  UsageBody,
} from '../support/restTypes';
import { END, historyConfig, hourTruth, spec, START, startUpstreams, within, type Upstreams } from './support';

let up: Upstreams;
let app: FastifyInstance;
const TOKEN = 'secret-token-123';
const NOW = Date.now() / 1000;
const auth = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  up = await startUpstreams();
  app = await testApp(historyConfig(up, { server: { host: '127.0.0.1', port: 0, apiToken: TOKEN } }));
  await app.history.runner.run({ fromSeconds: START, toSeconds: END });
}, 120000);

afterAll(async () => {
  await app?.close();
  await up?.stop();
});

const FIELDS = [
  'busy_cpu_seconds_total',
  'idle_cpu_seconds_total',
  // deprecated aliases of the two above, kept for one minor version
  'busy_cpu_seconds',
  'idle_cpu_seconds',
  'busy_kwh',
  'idle_kwh',
  'busy_gCo2eq',
  'idle_gCo2eq',
  'hours_expected',
  'hours_estimated',
  'hours_failed',
  'hours_fallback',
  'runtime_seconds',
];

describe('usage REST API', () => {
  it('GET /api/v1/usage by hour: the exact field names, one point per hour, hand-computed kWh', async () => {
    const res = await app.inject(
      '/api/v1/usage?level=project&key=IDAaaS&from=2026-11-01T00:00Z&to=2026-11-01T06:00Z&granularity=hour'
    );
    expect(res.statusCode).toBe(200);
    const body = res.json<UsageBody>();
    expect(Object.keys(body).sort()).toEqual(['from', 'granularity', 'key', 'level', 'series', 'to', 'totals']);
    expect(body.series).toHaveLength(6);
    expect(Object.keys(body.series[0]!).sort()).toEqual(['time', ...FIELDS].sort());
    expect(Object.keys(body.totals).sort()).toEqual([...FIELDS].sort());
    expect(body.series[0]?.time).toBe('2026-11-01T00:00:00.000Z');
    const hosts = spec.hosts.filter((h) => h.labels.cloud_project_name === 'IDAaaS');
    body.series.forEach((p, i) => {
      const want = hosts.reduce((a, h) => a + hourTruth(h, START + i * 3600, NOW).joules, 0) / 3.6e6;
      expect(within(p.busy_kwh + p.idle_kwh, want)).toBe(true);
      expect(p.busy_cpu_seconds_total).toBe(p.busy_cpu_seconds);
      // runtime: each host's busy cpu-seconds over its vCPUs
      const runtime = hosts.reduce((a, h) => a + hourTruth(h, START + i * 3600, NOW).busy / h.cpus, 0);
      expect(within(p.runtime_seconds ?? NaN, runtime)).toBe(true);
      expect(p.runtime_seconds!).toBeLessThanOrEqual(3600 * hosts.length);
      expect(p).toMatchObject({ hours_expected: 1, hours_estimated: 1, hours_failed: 0, hours_fallback: 0 });
    });
  });

  it('rolls up to day, month and year with the same totals', async () => {
    const q = (g: string) =>
      app
        .inject(`/api/v1/usage?level=site&key=isis&from=2026-11-01&to=2026-11-01&granularity=${g}`)
        .then((r) => r.json<UsageBody>());
    const [h, d, m, y] = await Promise.all([q('hour'), q('day'), q('month'), q('year')]);
    expect(h.series).toHaveLength(24);
    expect(d.series).toHaveLength(1);
    expect(m.series[0]?.time).toBe('2026-11-01T00:00:00.000Z');
    expect(y.series[0]?.time).toBe('2026-01-01T00:00:00.000Z');
    for (const x of [d, m, y]) expect(x.totals.busy_kwh).toBeCloseTo(h.totals.busy_kwh, 9);
    for (const x of [d, m, y]) expect(x.totals.runtime_seconds).toBeCloseTo(h.totals.runtime_seconds!, 6);
    expect(d.totals.hours_estimated).toBe(6);
    expect(d.totals.hours_expected).toBe(24);
  });

  it('serves the day entry in the seed shape', async () => {
    // the display-name keys this test was written for, kept (deprecated) by machine_keys=names
    const res = await app.inject('/api/v1/usage/project/CDAaaS/days/2026-11-01?machine_keys=names');
    expect(res.statusCode).toBe(200);
    const e = res.json<EstimatedDayBody>();
    expect(e).toMatchObject({ cloud_project_name: 'CDAaaS', date: '01_11_2026', hours_estimated: 6, hours_failed: 0 });
    expect(Object.keys(e.timeseries).sort()).toEqual(['00:00', '01:00', '02:00', '03:00', '04:00', '05:00', 'totals']);
    expect(Object.keys(e.timeseries.totals!.all!).sort()).toEqual([
      'busy_cpu_seconds_total',
      'busy_gCo2eq',
      'busy_kwh',
      'idle_cpu_seconds_total',
      'idle_gCo2eq',
      'idle_kwh',
    ]);
    expect(e.timeseries.totals?.['Artemis (Matlab)']?.busy_kwh).toBeCloseTo(e.timeseries.totals!.all!.busy_kwh, 9);
    const hourSum = ['00:00', '01:00', '02:00', '03:00', '04:00', '05:00'].reduce(
      (a, k) => a + e.timeseries[k]!.all!.idle_kwh,
      0
    );
    expect(hourSum).toBeCloseTo(e.timeseries.totals!.all!.idle_kwh, 9);
  });

  it("keys the day entry's machines the seed's way, with a map back to their display names", async () => {
    const e = (await app.inject('/api/v1/usage/project/CDAaaS/days/2026-11-01')).json<EstimatedDayBody>();
    const old = (
      await app.inject('/api/v1/usage/project/CDAaaS/days/2026-11-01?machine_keys=names')
    ).json<EstimatedDayBody>();
    expect(e.machine_names).toEqual({ ARTEMIS_MATLAB: 'Artemis (Matlab)' });
    expect(old.machine_names).toEqual({ 'Artemis (Matlab)': 'Artemis (Matlab)' });
    expect(Object.keys(e.timeseries.totals!).sort()).toEqual(['ARTEMIS_MATLAB', 'all']);
    expect(e.timeseries.totals!.ARTEMIS_MATLAB).toEqual(old.timeseries.totals!['Artemis (Matlab)']);
    expect(e.timeseries['03:00']!.ARTEMIS_MATLAB).toEqual(old.timeseries['03:00']!['Artemis (Matlab)']);
    const bad = await app.inject('/api/v1/usage/project/CDAaaS/days/2026-11-01?machine_keys=raw');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ErrorBody>().message).toMatch(/machine_keys/);
  });

  it('summary: totals, split, top contributors and the data-quality view', async () => {
    const res = await app.inject({
      url: '/api/v1/summary?level=project&key=IDAaaS&from=2026-11-01&to=2026-11-01',
      headers: auth,
    });
    expect(res.statusCode).toBe(200);
    const s = res.json<SummaryBody>();
    expect(s.data_quality).toMatchObject({
      hours_expected: 24,
      hours_estimated: 6,
      hours_failed: 0,
      hours_missing: 18,
      sum_check: { held: true, hours_checked: 6, hours_off: 0, hours_without_samples: 0 },
    });
    expect(s.contributors.map((c) => c.level)).toEqual(['machine', 'user']);
    expect(s.contributors[1]?.items.map((i) => i.name).sort()).toEqual(['alice', 'bob', 'unknown']);
    expect(s.busy_kwh_ratio).toBeGreaterThan(0);
    const anon = (
      await app.inject('/api/v1/summary?level=project&key=IDAaaS&from=2026-11-01&to=2026-11-01')
    ).json<SummaryBody>();
    expect(anon.contributors.map((c) => c.level)).toEqual(['machine']);
  });

  it('data quality: hours estimated before the fleet existed are counted as without samples, and the sum-check is not run on them', async () => {
    const before = { fromSeconds: START - 3 * 3600, toSeconds: START };
    const run = await app.history.runner.run(before);
    expect(run).toMatchObject({ hoursEstimated: 3, hoursFailed: 0, hoursWithoutSamples: 3, busyKwh: 0, idleKwh: 0 });
    const q = (from: number, to: number) =>
      app
        .inject(
          `/api/v1/summary?level=site&key=isis&from=${new Date(from * 1000).toISOString()}&to=${new Date(to * 1000).toISOString()}`
        )
        .then((r) => r.json<SummaryBody>());
    const empty = await q(before.fromSeconds, before.toSeconds);
    expect(empty.kwh).toBe(0);
    expect(empty.data_quality).toMatchObject({
      hours_expected: 3,
      hours_estimated: 3,
      sum_check: { held: null, hours_checked: 0, hours_without_samples: 3 },
    });
    const both = await q(before.fromSeconds, START + 2 * 3600);
    expect(both.data_quality.sum_check).toMatchObject({ held: true, hours_checked: 2, hours_without_samples: 3 });
  });

  it('heatmap: every day of the year with daily totals', async () => {
    const res = await app.inject('/api/v1/heatmap?level=machine&key=Muon&year=2026');
    expect(res.statusCode).toBe(200);
    const days = res.json<HeatmapBody>().days;
    expect(days).toHaveLength(365);
    const nov1 = days.find((d) => d.date === '2026-11-01');
    expect(nov1?.kwh).toBeGreaterThan(0);
    expect(nov1?.hours_estimated).toBe(6);
    expect(days.find((d) => d.date === '2026-10-31')?.kwh).toBe(0);
  });

  it('machines: averages per workspace-day with the profiles', async () => {
    const m = (await app.inject('/api/v1/machines')).json<MachinesBody>();
    const artemis = m.machines.find((x) => x.machine_name === 'Artemis (Matlab)');
    expect(artemis?.profile.busyWattsPerCpu).toBe(20);
    expect(artemis?.workspace_days).toBe(2);
    expect(artemis?.metrics.energy_kwh.idle.average).toBeGreaterThan(0);
    expect(JSON.stringify(m)).not.toContain(TOKEN);
  });

  it('per-user data needs the bearer token', async () => {
    const url = '/api/v1/usage?level=user&key=alice&from=2026-11-01&to=2026-11-01';
    expect((await app.inject(url)).statusCode).toBe(401);
    expect((await app.inject({ url, headers: { authorization: 'Bearer wrong-token-xx' } })).statusCode).toBe(401);
    const ok = await app.inject({ url, headers: auth });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<UsageBody>().totals.busy_kwh).toBeGreaterThan(0);
    expect((await app.inject('/api/v1/usage/user/alice/days/2026-11-01')).statusCode).toBe(401);
  });

  it.each([
    ['/api/v1/usage?level=planet&key=x&from=2026-11-01&to=2026-11-02', /unknown level "planet"; levels: site, project/],
    ['/api/v1/usage?level=project&key=x&from=2026-11-02&to=2026-11-01', /from \(2026-11-02\) must be before to/],
    ['/api/v1/usage?level=project&key=x&from=2026-02-30&to=2026-03-01', /not a calendar date/],
    ['/api/v1/usage?level=project&key=x&from=yesterday&to=2026-03-01', /not YYYY-MM-DD or an ISO 8601/],
    ['/api/v1/usage?level=project&key=x&from=2099-01-01&to=2099-02-01', /in the future/],
    ['/api/v1/usage?level=project&key=x&from=2026-11-01&to=2026-11-02&granularity=week', /unknown granularity "week"/],
    ['/api/v1/usage?level=project&key=x&from=2026-11-01&to=2026-11-02&colour=red', /colour|additional/],
    ['/api/v1/usage?level=project&from=2026-11-01&to=2026-11-02', /key/],
    ['/api/v1/usage/project/x/days/01-11-2026', /not YYYY-MM-DD/],
    ['/api/v1/heatmap?level=project&key=x&year=twenty', /year/],
  ])('400 with a clear message: %s', async (url, message) => {
    const res = await app.inject(url);
    expect(res.statusCode).toBe(400);
    expect(res.json<ErrorBody>().message).toMatch(message);
  });

  it('hostile keys round-trip through the URL', async () => {
    const key = spec.hosts[4]!.labels.machine_name!;
    const res = await app.inject(
      `/api/v1/usage?level=machine&key=${encodeURIComponent(key)}&from=2026-11-01&to=2026-11-01`
    );
    expect(res.statusCode).toBe(200);
    expect(res.json<UsageBody>().key).toBe(key);
    expect(res.json<UsageBody>().totals.busy_kwh).toBeGreaterThan(0);
  });
});
