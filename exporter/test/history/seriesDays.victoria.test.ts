/**
 * A VM resized from 4 to 8 CPUs at 05:00, backfilled in chunks of 4 hours from a real VictoriaMetrics. Its
 * /api/v1/series reads the per-day index only and answers with every series of the day, whatever start and end say
 * (intended, for speed, say its maintainers). The exporter takes a chunk's CPU count from that call, so the
 * 00:00-04:00 chunk, which saw only the 4-CPU boot, counts 8 CPUs: half the elapsed time, half the static energy.
 * Prometheus answers for the range asked and gets the hand computation. The 04:00-06:00 chunk holds the reboot,
 * whose CPU counts come per boundary from a range query, and agrees on both engines.
 */
import { startCarbonServer, type CarbonServer } from '../../../tests/harness/carbonServer';
import { fleetTruth, type FleetHost, type FleetSpec } from '../../../tests/harness/fleet';
import type { PrometheusApiServer } from '../../../tests/harness/victoriaMetrics';
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

/** Backfills the range from one engine; per hour the host's stored cpu-seconds, joules and sum-check ratio. */
async function backfill(server: PrometheusApiServer): Promise<HourResult[]> {
  const loaded = historyConfig({ prom: server, carbon });
  const ctx = await openHistory({ config: loaded.config, ...clients(loaded) });
  contexts.push(ctx);
  await ctx.runner.run({ fromSeconds: START, toSeconds: END });
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
  results.set('prometheus', await backfill(prom));
  results.set('victoria-metrics', await backfill(vm));
}, 60000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await Promise.all([...servers.map((s) => s.stop()), carbon?.stop()]);
});

describe('VictoriaMetrics /api/v1/series answers for whole days', () => {
  it.each([
    ['prometheus', 1],
    ['victoria-metrics', 0.5],
  ])("%s: right cpu-seconds every hour; before the resize's chunk, %d x the static energy", (engine, cpuShare) => {
    for (const [hour, got] of results.get(engine)!.entries()) {
      const want = hourTruth(START + hour * 3600);
      const msg = `${engine} hour ${hour}: got ${JSON.stringify(got)} want ${JSON.stringify(want)}`;
      expect([msg, within(got.busy, want.busy)]).toEqual([msg, true]);
      if (hour < 4) {
        // 4 CPUs used; Prometheus counts 4, VictoriaMetrics the 8 of the day
        expect([msg, got.sumCheckRatio]).toEqual([msg, expect.closeTo(cpuShare, 6)]);
        const joules = want.joules - want.staticJoules * (1 - cpuShare);
        expect([msg, within(got.joules, joules)]).toEqual([msg, true]);
      } else if (hour === 5) {
        expect([msg, within(got.joules, want.joules)]).toEqual([msg, true]);
      }
      // hour 4's joules are not checked: its last half-hour, the 4-CPU boot's, is counted with the 8 CPUs of the
      // boot that starts on its closing boundary, on both engines (half that half-hour's static energy is missing)
    }
  });
});
