import { HOUR_SECONDS } from '../src/history/types';
export { historyQueries } from '../src/history/queries';

/** The chunks the backfill uses for a contiguous range (for re-issuing its queries with stats). */
export function chunkHoursForBench(from: number, to: number, hoursPerQuery: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let a = from; a < to; a += hoursPerQuery * HOUR_SECONDS)
    out.push([a, Math.min(to, a + hoursPerQuery * HOUR_SECONDS)]);
  return out;
}
