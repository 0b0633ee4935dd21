// Rounding of one hour's rows to the stored integer units.
import { SCALES } from '../compactLayout';
import type { UsageRow } from '../../history/types';

const UNITS = ['cpu', 'cpu', 'joules', 'joules', 'grams', 'grams', 'grams', 'runtime'] as const;

/**
 * The rows of one hour in stored units. Within each (level, project, machine type) group, taken in key order, each
 * row's rounding is carried into the next: a group's stored sum is its rounded sum, and since every level sees each
 * VM once, every level still adds up to the same total per project and machine type. The key order makes the result
 * independent of the order rows come in and of the run's scope (a project-scoped run stores the same numbers).
 */
export function roundHour(rows: readonly UsageRow[]): Map<UsageRow, Array<number | null>> {
  const groups = new Map<string, UsageRow[]>();
  for (const x of rows) {
    const g = JSON.stringify([x.level, x.project, x.machine]);
    const list = groups.get(g);
    if (list === undefined) groups.set(g, [x]);
    else list.push(x);
  }
  const out = new Map<UsageRow, Array<number | null>>();
  for (const list of groups.values()) {
    list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const truth = Array<number>(8).fill(0);
    const stored = Array<number>(8).fill(0);
    for (const x of list) {
      const values = [x.busyCpuSeconds, x.idleCpuSeconds, x.busyJoules, x.idleJoules, x.busyGrams, x.idleGrams];
      values.push(x.fallbackGrams, x.runtimeSeconds ?? NaN);
      out.set(
        x,
        values.map((v, i) => {
          if (Number.isNaN(v)) return null;
          truth[i]! += v;
          const total = Math.round(truth[i]! * SCALES[UNITS[i]!]);
          const own = total - stored[i]!;
          stored[i] = total;
          return own;
        })
      );
    }
  }
  return out;
}
