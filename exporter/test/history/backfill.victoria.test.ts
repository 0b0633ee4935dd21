/**
 * The backfill suite of backfill.real.test.ts against a real single-node VictoriaMetrics holding the same synthetic
 * fleet (imported through /api/v1/import/prometheus): the same runs, the same hand-computed truth and tolerances;
 * then where VictoriaMetrics' answers differ from Prometheus' (the sum check), and the flag that makes them agree.
 */
import { openHistory } from '../../src/history/context';
import { backfillSuite, HOURS_EXPECTED, type Keys } from './backfillSuite';
import { clients, END, historyConfig, START, startUpstreams, within } from './support';

/**
 * The same keys and numbers to 1e-12, not bit for bit: VictoriaMetrics does not add a target's series in a fixed
 * order, so the same backfill differs in the 14th digit from one query (or process) to the next.
 */
function expectSameKeys(after: Keys, before: Keys): void {
  expect(after.map((c) => c.name)).toEqual(before.map((c) => c.name));
  for (const [i, c] of after.entries()) {
    const b = before[i]!;
    for (const field of [
      'busyCpuSeconds',
      'idleCpuSeconds',
      'busyJoules',
      'idleJoules',
      'busyGrams',
      'idleGrams',
    ] as const)
      expect([c.name, field, within(c[field], b[field], 1e-12)]).toEqual([c.name, field, true]);
  }
}

const state = backfillSuite('VictoriaMetrics', { upstreams: { engine: 'victoria-metrics' }, sameKeys: expectSameKeys });

describe('where VictoriaMetrics differs: a bare selector in a range query looks back a whole step', () => {
  // MetricsQL gives a selector without [d] the window `step` (here 30 min), capped only by -search.maxLookback;
  // Prometheus looks back 5 min. So a host that stopped or paused within the half-hour before a boundary still has
  // its last value there: the exporter differences that half-hour as regular instead of recounting it from raw
  // samples. Energy stays right (the next half-hour exceeds CPUs x 1,800 s and is recounted), but the hour's sum
  // check counts the full capacity of the regular half-hour.
  it('flags two hours as sum-check off that Prometheus passes, by exactly the missing CPU-seconds', async () => {
    const { ctx, firstRun } = state();
    expect(firstRun.hoursSumCheckOff).toBe(2);
    const ratios = new Map(
      (await ctx.store.hourStatuses(['*'], START, END)).map((r) => [
        (r.hourStartSeconds - START) / 3600,
        r.sumCheckRatio,
      ])
    );
    // hour 1: host 4 pauses 01:20-01:40; 01:00-01:30 counts 1,185 s of 1,800 on 4 CPUs, of 26 regular CPU-hours
    expect(ratios.get(1)).toBeCloseTo(1 - (4 * (1800 - 1185)) / (26 * 3600), 6);
    // hour 2: host 5 is deleted at 02:15; 02:00-02:30 counts 900 s of 1,800 on 4 CPUs, of 28 regular CPU-hours
    expect(ratios.get(2)).toBeCloseTo(1 - (4 * 900) / (28 * 3600), 6);
    for (const h of [0, 3, 4, 5]) expect(ratios.get(h)).toBeCloseTo(1, 6);
  });

  it('with -search.maxLookback=5m the boundaries are those of Prometheus: no hour off, the same stored numbers', async () => {
    const { ctx } = state();
    const up5m = await startUpstreams({ engine: 'victoria-metrics', victoriaMetricsArgs: ['-search.maxLookback=5m'] });
    const loaded = historyConfig(up5m);
    const ctx5m = await openHistory({ config: loaded.config, ...clients(loaded) });
    try {
      const run = await ctx5m.runner.run({ fromSeconds: START, toSeconds: END });
      expect(run).toMatchObject({ hoursEstimated: HOURS_EXPECTED(), hoursSumCheckOff: 0, hoursFailed: 0 });
      const byName = new Map((await ctx.store.keys('host', START, END)).map((c) => [c.name, c]));
      for (const c of await ctx5m.store.keys('host', START, END)) {
        const d = byName.get(c.name)!;
        expect([c.name, within(c.busyJoules + c.idleJoules, d.busyJoules + d.idleJoules, 1e-9)]).toEqual([
          c.name,
          true,
        ]);
      }
    } finally {
      await ctx5m.close();
      await up5m.stop();
    }
  });
});
