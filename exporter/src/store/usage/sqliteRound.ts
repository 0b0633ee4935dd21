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
export function roundHour(
  rows: readonly UsageRow[]
): Array<[number, number, number, number, number, number, number, number | null]> {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < rows.length; i++) {
    const x = rows[i]!;
    const g = `${x.level}\u0000${x.project}\u0000${x.machine}`;
    const list = groups.get(g);
    if (list === undefined) groups.set(g, [i]);
    else list.push(i);
  }
  const out = new Array<[number, number, number, number, number, number, number, number | null]>(rows.length);
  const truth = new Float64Array(8);
  const stored = new Float64Array(8);
  for (const list of groups.values()) {
    list.sort((a, b) => (rows[a]!.key < rows[b]!.key ? -1 : rows[a]!.key > rows[b]!.key ? 1 : 0));
    truth.fill(0);
    stored.fill(0);
    for (const i of list) {
      const x = rows[i]!;
      const carry = (k: number, v: number): number => {
        truth[k]! += v;
        const total = Math.round(truth[k]! * SCALES[UNITS[k]!]);
        const own = total - stored[k]!;
        stored[k] = total;
        return own;
      };
      out[i] = [
        carry(0, x.busyCpuSeconds),
        carry(1, x.idleCpuSeconds),
        carry(2, x.busyJoules),
        carry(3, x.idleJoules),
        carry(4, x.busyGrams),
        carry(5, x.idleGrams),
        carry(6, x.fallbackGrams),
        x.runtimeSeconds == null ? null : carry(7, x.runtimeSeconds),
      ];
    }
  }
  return out;
}
