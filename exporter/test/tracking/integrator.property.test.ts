/**
 * Model-based randomized test of the tracking integrator (observe -> per-CPU detail -> integrate), seeded.
 * A simulated VM produces per-CPU counters with reboots, CPUs going offline and back, backwards iowait, scrape gaps,
 * a second scrape job, duplicate boot and per-CPU series, a failing detail query; a Prometheus stand-in answers the cycle's queries from them; the
 * exporter may restart between cycles (its state goes through JSON, as through the store).
 */
import fc from 'fast-check';
import { simulate } from './integratorModel';
import { CLEAN_EVENTS, HOSTILE_EVENTS, scenarioArb } from './integratorWorld';

const SEED = 20_261_202;
const RUNS = Number(process.env.ADA_CARBON_PROPERTY_RUNS ?? 10_000);

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

describe(`tracking integrator, model-based (fast-check seed ${SEED}, ${RUNS} cases per property)`, () => {
  it("clean counters give the reference model's totals, across restarts, gaps and duplicate series", () => {
    fc.assert(
      fc.property(scenarioArb(CLEAN_EVENTS), (sc) => {
        const out = simulate(sc, { restarts: true });
        expect(out.violations).toEqual([]);
        expect(out.final).toHaveLength(out.observed ? 1 : 0);
        const w = out.final[0] ?? { busyJoules: 0, idleJoules: 0 };
        expect(close(w.busyJoules, out.refBusyJoules)).toBe(true);
        expect(close(w.idleJoules, out.refIdleJoules)).toBe(true);
        expect(out.anomalies.filter((k) => k !== 'duplicate_series' && k !== 'duplicate_target')).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS }
    );
  });

  it('hostile counters never charge more than the truth or the physical limit, never run an exported counter backwards, and a restart loses nothing', () => {
    fc.assert(
      fc.property(scenarioArb(HOSTILE_EVENTS), (sc) => {
        const withRestarts = simulate(sc, { restarts: true });
        expect(withRestarts.violations).toEqual([]);
        const without = simulate(sc, { restarts: false });
        expect(withRestarts.final.length).toBe(without.final.length);
        for (const [i, w] of withRestarts.final.entries()) {
          expect(close(w.busyJoules, without.final[i]!.busyJoules)).toBe(true);
          expect(close(w.idleJoules, without.final[i]!.idleJoules)).toBe(true);
        }
      }),
      { seed: SEED, numRuns: RUNS }
    );
  });
});
