/**
 * Backfill against a real Prometheus loaded with the synthetic fleet; stored numbers vs hand-computed truth (the
 * shared suite, which runs against VictoriaMetrics in backfill.victoria.test.ts), then the memory budget's chunks.
 */
import { openHistory } from '../../src/history/context';
import { backfillSuite, HOURS_EXPECTED } from './backfillSuite';
import { clients, END, historyConfig, START } from './support';

const state = backfillSuite('Prometheus', { sameKeys: (after, before) => expect(after).toEqual(before) });

describe('backfill chunks sized by the memory budget', () => {
  it('cuts the range by the memory budget: one-hour chunks, one host set per target, store the same numbers', async () => {
    // the default budget leaves the configured 4-hour chunks for 9 targets in one set; a budget of 1 target-hour
    // forces 1 hour, read a host at a time (every query matches one instance)
    const { up, ctx, firstRun } = state();
    expect(firstRun).toMatchObject({ hoursPerChunk: 4, hostSetsPerChunk: 1 });
    const loaded = historyConfig(up, { history: { hoursPerQuery: 4, targetHoursInFlight: 1 } });
    const small = await openHistory({ config: loaded.config, ...clients(loaded) });
    try {
      const r = await small.runner.run({ fromSeconds: START, toSeconds: END });
      expect(r).toMatchObject({ hoursPerChunk: 1, hoursEstimated: HOURS_EXPECTED(), hoursFailed: 0 });
      expect(r.hostSetsPerChunk).toBeGreaterThan(1);
      const levels = ['project', 'host', 'machine', 'site'] as const;
      for (const level of levels) {
        const got = await small.store.keys(level, START, END);
        const want = await ctx.store.keys(level, START, END);
        expect(got.map((c) => c.name)).toEqual(want.map((c) => c.name));
        got.forEach((c, i) => {
          expect(c.busyJoules).toBeCloseTo(want[i]!.busyJoules, 3);
          expect(c.idleJoules).toBeCloseTo(want[i]!.idleJoules, 3);
          expect(c.busyGrams).toBeCloseTo(want[i]!.busyGrams, 6);
        });
      }
    } finally {
      await small.close();
    }
  });
});
