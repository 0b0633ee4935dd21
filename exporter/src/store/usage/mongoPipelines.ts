// Server-side aggregation pieces of the MongoDB usage store (MongoDB evaluates these; FerretDB 1.x does not, see
// mongoClientSide.ts).
import type { Document } from 'mongodb';
import type { Granularity } from './types';

export const SUMS = {
  busyCpuSeconds: { $sum: '$busy_cpu' },
  idleCpuSeconds: { $sum: '$idle_cpu' },
  busyJoules: { $sum: '$busy_j' },
  idleJoules: { $sum: '$idle_j' },
  busyGrams: { $sum: '$busy_g' },
  idleGrams: { $sum: '$idle_g' },
  fallbackGrams: { $sum: '$fallback_g' },
  runtimeSeconds: { $sum: '$runtime_s' },
  runtimeUnknown: { $sum: { $cond: [{ $isNumber: '$runtime_s' }, 0, 1] } },
};

/** As SQLite answers: the runtime of a group is unknown (null) when any of its rows lacks it. */
export function withRuntime<T extends Document>({ runtimeUnknown, ...rest }: T): Omit<T, 'runtimeUnknown'> {
  return { ...rest, runtimeSeconds: runtimeUnknown === 0 ? rest.runtimeSeconds : null };
}

export function bucketExpr(g: Granularity): unknown {
  if (g === 'hour') return '$hour_s';
  if (g === 'day') return { $subtract: ['$hour_s', { $mod: ['$hour_s', 86400] }] };
  const date = { $toDate: { $multiply: ['$hour_s', 1000] } };
  return { $divide: [{ $toLong: { $dateTrunc: { date, unit: g, timezone: 'UTC' } } }, 1000] };
}
