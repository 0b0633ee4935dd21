// Client-side rollups for MongoDB wire servers whose aggregation lacks the operators the adapter uses ($cond,
// $isNumber, $subtract, $mod, $dateTrunc): FerretDB 1.x answers those with "not implemented". MongoDB itself always
// takes the server-side pipeline; only on that answer does the adapter read the matching rows and sum them here,
// with the same semantics (runtime null when any row lacks it; UTC buckets; days per host-day).
import type { UsageFigures, UsageRow } from '../../history/types';
import type { Bucket, Contributor, Granularity } from './types';

/** True for a server error that means "this operator/stage is not implemented" (FerretDB code 238). */
export function isNotImplemented(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e?.code === 238 || (typeof e?.message === 'string' && /not implemented/i.test(e.message));
}

export function bucketStartSeconds(hourStartSeconds: number, g: Granularity): number {
  if (g === 'hour') return hourStartSeconds;
  if (g === 'day') return hourStartSeconds - (((hourStartSeconds % 86400) + 86400) % 86400);
  const d = new Date(hourStartSeconds * 1000);
  const month = g === 'month' ? d.getUTCMonth() : 0;
  return Date.UTC(d.getUTCFullYear(), month, 1) / 1000;
}

export const zero = (): Required<UsageFigures> => ({
  busyCpuSeconds: 0,
  idleCpuSeconds: 0,
  busyJoules: 0,
  idleJoules: 0,
  busyGrams: 0,
  idleGrams: 0,
  fallbackGrams: 0,
  runtimeSeconds: 0,
});

export function add(acc: Required<UsageFigures>, r: UsageRow): void {
  acc.busyCpuSeconds += r.busyCpuSeconds;
  acc.idleCpuSeconds += r.idleCpuSeconds;
  acc.busyJoules += r.busyJoules;
  acc.idleJoules += r.idleJoules;
  acc.busyGrams += r.busyGrams;
  acc.idleGrams += r.idleGrams;
  acc.fallbackGrams += r.fallbackGrams;
  // unknown once any row lacks it, as the SQLite adapter and the server pipeline answer
  acc.runtimeSeconds =
    acc.runtimeSeconds === null || typeof r.runtimeSeconds !== 'number' ? null : acc.runtimeSeconds + r.runtimeSeconds;
}

function groupBy<K>(rows: readonly UsageRow[], keyOf: (r: UsageRow) => K): Map<K, Required<UsageFigures>> {
  const out = new Map<K, Required<UsageFigures>>();
  for (const r of rows) {
    const k = keyOf(r);
    let acc = out.get(k);
    if (acc === undefined) out.set(k, (acc = zero()));
    add(acc, r);
  }
  return out;
}

export function bucketsOf(rows: readonly UsageRow[], g: Granularity): Bucket[] {
  return [...groupBy(rows, (r) => bucketStartSeconds(r.hourStartSeconds, g))]
    .sort((a, b) => a[0] - b[0])
    .map(([startSeconds, sums]) => ({ startSeconds, ...sums }));
}

export function contributorsOf(rows: readonly UsageRow[], nameOf: (r: UsageRow) => string): Contributor[] {
  return [...groupBy(rows, nameOf)]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([name, sums]) => ({ name, ...sums }));
}
