// Reads of the compact MongoDB layout, summed here: the key-day documents of a range are decoded and their hours
// in range summed in stored integer units, then turned into base units once per group (as the SQLite store sums its
// integer columns). Runs the same on MongoDB and on FerretDB, which lacks most aggregation operators.
import type { UsageFigures } from '../../history/types';
import { bucketStartSeconds } from './mongoClientSide';
import { decodeCells, DAY_SECONDS, FIGURE_SCALES, HOURS_PER_DAY, keyOfId, type Cell, type DayDoc } from './mongoLayout';
import type { Granularity } from './types';

/** Hours [fromH, toH) of a range of seconds (rows with their hour start in it), and the days [d0, d1) holding them. */
export function hourRange(
  fromSeconds: number,
  toSeconds: number
): { fromH: number; toH: number; d0: number; d1: number } {
  const fromH = Math.max(0, Math.ceil(fromSeconds / 3600));
  const toH = Math.max(fromH, Math.ceil(toSeconds / 3600));
  return { fromH, toH, d0: Math.floor(fromH / HOURS_PER_DAY), d1: Math.ceil(toH / HOURS_PER_DAY) };
}

/** Running sums of stored figures: eight sums, hours, hours with a runtime. */
export interface Sums {
  v: number[];
  n: number;
  rn: number;
}
export const newSums = (): Sums => ({ v: [0, 0, 0, 0, 0, 0, 0, 0], n: 0, rn: 0 });

export function addHour(s: Sums, f: NonNullable<Cell['hours'][number]>): void {
  for (let i = 0; i < 7; i++) s.v[i]! += f[i]!;
  s.n++;
  if (f[7] !== null) {
    s.v[7]! += f[7];
    s.rn++;
  }
}

/** In base units; the runtime is unknown (null) when any hour summed lacks it. */
export function figuresOf(s: Sums): Required<UsageFigures> {
  const at = (i: number): number => s.v[i]! / FIGURE_SCALES[i]!;
  return {
    busyCpuSeconds: at(0),
    idleCpuSeconds: at(1),
    busyJoules: at(2),
    idleJoules: at(3),
    busyGrams: at(4),
    idleGrams: at(5),
    fallbackGrams: at(6),
    runtimeSeconds: s.rn === s.n ? at(7) : null,
  };
}

export type HourVisitor = (key: number, hour: number, cell: Cell, f: NonNullable<Cell['hours'][number]>) => void;

/** Calls `visit` for every stored hour of the documents within [fromH, toH). */
export function visitHours(docs: readonly DayDoc[], fromH: number, toH: number, visit: HourVisitor): void {
  for (const doc of docs) {
    const first = doc.d * HOURS_PER_DAY;
    if (first >= toH || first + HOURS_PER_DAY <= fromH) continue;
    const key = keyOfId(doc._id);
    const lo = Math.max(0, fromH - first);
    const hi = Math.min(HOURS_PER_DAY, toH - first);
    for (const cell of decodeCells(doc.b)) {
      for (let h = lo; h < hi; h++) {
        const f = cell.hours[h];
        if (f !== undefined) visit(key, first + h, cell, f);
      }
    }
  }
}

/** Group sums keyed by `groupOf`, in ascending key order. */
export function groupSums<K extends number | string>(
  docs: readonly DayDoc[],
  fromH: number,
  toH: number,
  groupOf: (key: number, hour: number, cell: Cell) => K
): Array<[K, Sums]> {
  const out = new Map<K, Sums>();
  visitHours(docs, fromH, toH, (key, hour, cell, f) => {
    const g = groupOf(key, hour, cell);
    let s = out.get(g);
    if (s === undefined) out.set(g, (s = newSums()));
    addHour(s, f);
  });
  return [...out].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The bucket start (seconds) of an hour index; one Date per day at most for months and years. */
export function bucketOf(g: Granularity): (hour: number) => number {
  if (g === 'hour') return (hour) => hour * 3600;
  if (g === 'day') return (hour) => Math.floor(hour / HOURS_PER_DAY) * DAY_SECONDS;
  const perDay = new Map<number, number>();
  return (hour) => {
    const day = Math.floor(hour / HOURS_PER_DAY);
    let s = perDay.get(day);
    if (s === undefined) perDay.set(day, (s = bucketStartSeconds(day * DAY_SECONDS, g)));
    return s;
  };
}
