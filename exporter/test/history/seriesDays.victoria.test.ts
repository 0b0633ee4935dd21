/**
 * A VM resized from 4 to 8 CPUs at 05:00 (the reboot exactly on a half-hour boundary), backfilled in chunks of 4
 * hours from a real VictoriaMetrics and a real Prometheus. VictoriaMetrics' /api/v1/series reads the per-day index
 * only and answers with every series of the day, whatever start and end say (intended, for speed, say its
 * maintainers), so it lists the 8 CPUs in the 00:00-04:00 chunk too: the exporter takes CPU counts per boundary from
 * a range query instead. And the half-hour 04:30-05:00 belongs to the 4-CPU boot, not to the 8-CPU boot that starts
 * on its closing boundary. Every hour is checked against the hand computation on both engines.
 */
import { startCarbonServer, type CarbonServer } from '../../../tests/harness/carbonServer';
import { fleetTruth, type FleetHost, type FleetSpec } from '../../../tests/harness/fleet';
import type { PrometheusApiServer } from '../../../tests/harness/victoriaMetrics';
import type { BackfillSummary } from '../../src/history/summary';
import { openHistory, type HistoryContext } from '../../src/history/context';
import { ALL_MODES, BUSY_MODES, IDLE_MODES } from '../../src/model/modes';
import { startFleetPrometheus } from '../support/fleetPrometheus';
import { startFleetVictoria } from '../support/fleetVictoria';
import { clients, historyConfig, PUE, START, within } from './support';

const GiB = 1024 ** 3;
const END = START + 6 * 3600;
const RESIZE = START + 5 * 3600;
const vmOf = (cpus: number, extra: Partial<FleetHost>): FleetHost => ({
  instance: 'host-172-16-0-1.nubes.example:9100',
  labels: { cloud_project_name: 'IDAaaS', machine_name: 'Muon', host: '172.16.0.1' },
  cpus,
  modeShares: { user: 0.3, system: 0.05, idle: 0.65 },
  memTotalBytes: 16 * GiB,
  memActiveBytes: 2 * GiB,
  bootTimeSeconds: START - 86400,
  ...extra,
});
// the same series labels before and after: a resize reboots the VM with more CPU series
const before = vmOf(4, { endSeconds: RESIZE - 60 });
const after = vmOf(8, { bootTimeSeconds: RESIZE });
const spec: FleetSpec = { startSeconds: START, endSeconds: END, stepSeconds: 15, hosts: [before, after] };
const truth = fleetTruth(spec);
// the "Muon" (default) profile of support.ts: 12 W busy, 1.5 W idle per CPU, 0.4 W/GiB, 5 W other
const STATIC_WATTS = 2 * 0.4 + 5;

/** Hand computation of one hour: per boot and half-hour, cpu-seconds x W plus static W x cpu-seconds / CPUs. */
function hourTruth(hourStart: number): { busy: number; joules: number; staticJoules: number } {
  const out = { busy: 0, joules: 0, staticJoules: 0 };
  for (const h of spec.hosts) {
    for (const t0 of [hourStart, hourStart + 1800]) {
      const busy = truth.cpuSecondsBetween(h, t0, t0 + 1800, BUSY_MODES);
      const idle = truth.cpuSecondsBetween(h, t0, t0 + 1800, IDLE_MODES);
      const elapsed = truth.cpuSecondsBetween(h, t0, t0 + 1800, ALL_MODES) / h.cpus;
      const staticJ = STATIC_WATTS * elapsed * PUE;
      out.busy += busy;
      out.staticJoules += staticJ;
      out.joules += (busy * 12 + idle * 1.5) * PUE + staticJ;
    }
  }
  return out;
}

interface HourResult {
  busy: number;
  joules: number;
  sumCheckRatio: number | null;
}
let servers: PrometheusApiServer[] = [];
let carbon: CarbonServer;
const contexts: HistoryContext[] = [];
const results = new Map<string, HourResult[]>();
const summaries = new Map<string, BackfillSummary>();

/** Backfills the range from one engine; per hour the host's stored cpu-seconds, joules and sum-check ratio. */
async function backfill(engine: string, server: PrometheusApiServer): Promise<HourResult[]> {
  const loaded = historyConfig({ prom: server, carbon }, { history: { remoteRead: 'on' } });
  const ctx = await openHistory({ config: loaded.config, ...clients(loaded) });
  contexts.push(ctx);
  summaries.set(engine, await ctx.runner.run({ fromSeconds: START, toSeconds: END }));
  const statuses = await ctx.store.hourStatuses(['*'], START, END);
  const out: HourResult[] = [];
  for (let t = START; t < END; t += 3600) {
    const rows = await ctx.store.rows({ level: 'host', key: '172.16.0.1', fromSeconds: t, toSeconds: t + 3600 });
    out.push({
      busy: rows.reduce((a, r) => a + r.busyCpuSeconds, 0),
      joules: rows.reduce((a, r) => a + r.busyJoules + r.idleJoules, 0),
      sumCheckRatio: statuses.find((r) => r.hourStartSeconds === t)?.sumCheckRatio ?? null,
    });
  }
  return out;
}

beforeAll(async () => {
  let prom: PrometheusApiServer, vm: PrometheusApiServer;
  [prom, vm, carbon] = await Promise.all([startFleetPrometheus(spec), startFleetVictoria(spec), startCarbonServer()]);
  servers = [prom, vm];
  results.set('prometheus', await backfill('prometheus', prom));
  results.set('victoria-metrics', await backfill('victoria-metrics', vm));
}, 60000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await Promise.all([...servers.map((s) => s.stop()), carbon?.stop()]);
});

describe('CPU counts of a VM resized on a half-hour boundary', () => {
  it.each(['prometheus', 'victoria-metrics'])(
    '%s: the cpu-seconds and joules of every hour, and a sum check of 1',
    (engine) => {
      for (const [hour, got] of results.get(engine)!.entries()) {
        const want = hourTruth(START + hour * 3600);
        const msg = `${engine} hour ${hour}: got ${JSON.stringify(got)} want ${JSON.stringify(want)}`;
        expect([msg, within(got.busy, want.busy)]).toEqual([msg, true]);
        expect([msg, within(got.joules, want.joules)]).toEqual([msg, true]);
        expect([msg, got.sumCheckRatio]).toEqual([msg, expect.closeTo(1, 6)]);
      }
    }
  );

  it('reads Prometheus by remote read and VictoriaMetrics, which has none, by range queries', () => {
    const prom = summaries.get('prometheus')!;
    const vm = summaries.get('victoria-metrics')!;
    // the build info (which lookback rule); the run's series call; per chunk (00-04, 04-06) its series call, the
    // targets query and one remote read; one raw recount for the half-hour that ends on the reboot
    expect(prom).toMatchObject({ prometheusRequests: 1 + 1 + 2 * 3 + 1, remoteReadOff: null });
    expect(prom.samplesFromRemoteRead).toBeGreaterThan(0);
    // VictoriaMetrics refuses remote read (once per chunk in flight), then 3 state sums and the CPU count per chunk
    expect(vm.remoteReadOff).toMatch(/HTTP 4\d\d/);
    expect(vm.samplesFromRemoteRead).toBe(0);
    expect(vm.prometheusRequests).toBeGreaterThanOrEqual(1 + 1 + 2 * 6 + 1 + 1);
    expect(vm.prometheusRequests).toBeLessThanOrEqual(1 + 1 + 2 * 6 + 1 + 2);
  });
});
