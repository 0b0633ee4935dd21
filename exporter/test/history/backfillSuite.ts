/**
 * The backfill suite, run against each query engine holding the synthetic fleet: stored numbers vs hand-computed
 * truth, levels adding up, users from ownership records, hostile keys, idempotent and project-scoped re-runs.
 * Returns the run's state for engine-specific tests.
 */
import { openHistory, type HistoryContext } from '../../src/history/context';
import type { BackfillSummary } from '../../src/history/summary';
import { LEVELS } from '../../src/history/types';
import {
  clients,
  END,
  EVIL_PROJECT,
  historyConfig,
  hourTruth,
  HOSTILE,
  spec,
  START,
  startUpstreams,
  within,
  type StartUpstreamsOptions,
  type Upstreams,
} from './support';

export type Keys = Awaited<ReturnType<HistoryContext['store']['keys']>>;

export interface BackfillSuiteOptions {
  upstreams?: StartUpstreamsOptions;
  /** how a re-run's keys must equal the first run's (exactly, or within rounding where the engine's sums vary) */
  sameKeys: (after: Keys, before: Keys) => void;
  /** history.remoteRead on: the raw counters by remote read where the engine has it */
  remoteRead?: boolean;
}

export interface BackfillState {
  up: Upstreams;
  ctx: HistoryContext;
  firstRun: BackfillSummary;
}

export function backfillSuite(
  engine: string,
  { upstreams = {}, sameKeys, remoteRead = false }: BackfillSuiteOptions
): () => BackfillState {
  let up: Upstreams;
  let ctx: HistoryContext;
  let firstRun: Awaited<ReturnType<HistoryContext['runner']['run']>>;
  const NOW = Date.now() / 1000;

  beforeAll(async () => {
    up = await startUpstreams(upstreams);
    const loaded = historyConfig(up, remoteRead ? { history: { remoteRead: 'on' } } : {});
    ctx = await openHistory({ config: loaded.config, ...clients(loaded) });
    firstRun = await ctx.runner.run({ fromSeconds: START, toSeconds: END });
  }, 120000);

  afterAll(async () => {
    await ctx?.close();
    await up?.stop();
  });

  const sumRows = (
    rows: Array<{
      busyCpuSeconds: number;
      idleCpuSeconds: number;
      busyJoules: number;
      idleJoules: number;
      busyGrams: number;
      idleGrams: number;
    }>
  ) =>
    rows.reduce(
      (a, r) => ({
        busy: a.busy + r.busyCpuSeconds,
        idle: a.idle + r.idleCpuSeconds,
        joules: a.joules + r.busyJoules + r.idleJoules,
        busyJoules: a.busyJoules + r.busyJoules,
        grams: a.grams + r.busyGrams + r.idleGrams,
      }),
      { busy: 0, idle: 0, joules: 0, busyJoules: 0, grams: 0 }
    );

  describe(`backfill of a synthetic fleet in a real ${engine}`, () => {
    it('estimates every hour with many hours per request', () => {
      expect(firstRun).toMatchObject({
        hoursInRange: HOURS_EXPECTED(),
        hoursEstimated: HOURS_EXPECTED(),
        hoursFailed: 0,
        hoursFallback: 0,
      });
      // 6 hours in chunks of 4 and 2: the build info and the run's series call; per chunk a series call, the targets
      // query and the state reads: one remote read (Prometheus) or, after a refusal per chunk in flight, 3 state sums
      // and the CPU count (VictoriaMetrics); one raw query for the host that lived between two boundaries, and one
      // raw query per half-hour with a reboot, gap, birth or death
      const remote = remoteRead && engine === 'Prometheus';
      const refused = remoteRead && !remote;
      expect(firstRun.samplesFromRemoteRead > 0).toBe(remote);
      expect(firstRun.remoteReadOff !== null).toBe(refused);
      const fixed = remote ? 1 + 1 + 2 * 3 + 1 : (remoteRead ? 1 : 0) + 1 + 2 * 6 + 1 + (refused ? 1 : 0);
      expect(firstRun.prometheusRequests).toBeGreaterThanOrEqual(fixed);
      expect(firstRun.prometheusRequests).toBeLessThanOrEqual(fixed + (refused ? 1 : 0) + 8);
    });

    it('matches the hand-computed cpu-seconds, kWh and gCO2e of every host and hour within 0.5%', async () => {
      for (const h of spec.hosts) {
        for (let hour = START; hour < END; hour += 3600) {
          const want = hourTruth(h, hour, NOW);
          const rows = await ctx.store.rows({
            level: 'host',
            key: h.labels.host!,
            fromSeconds: hour,
            toSeconds: hour + 3600,
          });
          const got = sumRows(rows);
          const msg = `${h.instance} hour ${(hour - START) / 3600}: got ${JSON.stringify(got)} want ${JSON.stringify(want)}`;
          expect([msg, within(got.busy, want.busy)]).toEqual([msg, true]);
          expect([msg, within(got.idle, want.idle)]).toEqual([msg, true]);
          expect([msg, within(got.joules, want.joules)]).toEqual([msg, true]);
          expect([msg, within(got.busyJoules, want.busyJoules)]).toEqual([msg, true]);
          expect([msg, within(got.grams, want.grams)]).toEqual([msg, true]);
        }
      }
    });

    it('adds every level up to the same site total, hour by hour', async () => {
      for (let hour = START; hour < END; hour += 3600) {
        const totals = await Promise.all(
          LEVELS.map(
            async (level) => sumRows((await ctx.store.keys(level, hour, hour + 3600)).map((c) => ({ ...c }))).joules
          )
        );
        for (const t of totals) expect(t).toBeCloseTo(totals[0]!, 6);
        const want = spec.hosts.reduce((a, h) => a + hourTruth(h, hour, NOW).joules, 0);
        expect(within(totals[0]!, want)).toBe(true);
      }
    });

    it('attributes users from ownership records: intervals, overlaps, open ends, unknown', async () => {
      const users = new Map(
        (await ctx.store.keys('user', START, END)).map((c) => [c.name, c.busyJoules + c.idleJoules])
      );
      const [h1, h2] = spec.hosts;
      const j = (h: typeof h1, from: number, to: number) => {
        let s = 0;
        for (let t = from; t < to; t += 3600) s += hourTruth(h!, t, NOW).joules;
        return s;
      };
      expect(within(users.get('alice')!, j(h1, START, START + 3 * 3600))).toBe(true);
      expect(within(users.get('bob')!, j(h1, START + 3 * 3600, END))).toBe(true);
      expect(within(users.get('dave')!, j(h2, START + 2 * 3600, START + 4 * 3600))).toBe(true);
      expect(within(users.get('carol')!, j(h2, START, START + 2 * 3600) + j(h2, START + 4 * 3600, END))).toBe(true);
      const others = spec.hosts.slice(2).reduce((a, h) => a + j(h, START, END), 0);
      expect(within(users.get('unknown')!, others)).toBe(true);
    });

    it('keeps hostile label values intact as keys', async () => {
      const machines = (await ctx.store.keys('machine', START, END)).map((c) => c.name);
      expect(machines).toContain(HOSTILE);
      const projects = (await ctx.store.keys('project', START, END)).map((c) => c.name);
      expect(projects).toEqual(expect.arrayContaining(['IDAaaS', 'CDAaaS', 'DDAaaS', 'TDAaaS', EVIL_PROJECT]));
      const sites = (await ctx.store.keys('site', START, END)).map((c) => c.name).sort();
      expect(sites).toEqual(['clf', 'diamond', 'isis', 'unknown']);
    });

    it('is idempotent: a re-run asks for nothing and a forced re-run stores the same numbers', async () => {
      const before = await ctx.store.keys('project', START, END);
      const again = await ctx.runner.run({ fromSeconds: START, toSeconds: END });
      expect(again).toMatchObject({
        hoursSkipped: HOURS_EXPECTED(),
        hoursEstimated: 0,
        prometheusRequests: 0,
        carbonRequests: 0,
      });
      const forced = await ctx.runner.run({ fromSeconds: START, toSeconds: END, force: true });
      expect(forced.hoursEstimated).toBe(HOURS_EXPECTED());
      expect(forced.carbonRequests).toBe(0); // intensities come from the local cache
      sameKeys(await ctx.store.keys('project', START, END), before);
    });

    it('a run scoped to one project replaces only that project', async () => {
      const before = await ctx.store.keys('project', START, END);
      const r = await ctx.runner.run({ fromSeconds: START, toSeconds: END, project: EVIL_PROJECT, force: true });
      expect(r.hoursEstimated).toBe(HOURS_EXPECTED());
      sameKeys(await ctx.store.keys('project', START, END), before);
    });

    it('refreshes machine averages per workspace-day', async () => {
      const list = await ctx.machineMetrics.list();
      const muon = list.find((m) => m.machine_name === 'Muon')!;
      expect(muon.workspace_days).toBe(5); // hosts 1, 4, 6, 8 and the 15-min host 9 on one day
      expect(muon.metrics.energy_kwh.busy.average).toBeGreaterThan(0);
    });
  });

  return () => ({ up, ctx, firstRun });
}

export function HOURS_EXPECTED(): number {
  return (END - START) / 3600;
}
