// Pure planning of a backfill run: which hours, in which chunks, and a bound on requests in flight. No I/O.
import { HOUR_SECONDS, type HourStatusRecord } from './types';

/** Every hour start in [from, to) that has ended (plus settle time) by now. */
export function completeHours(
  fromSeconds: number,
  toSeconds: number,
  nowSeconds: number,
  settleSeconds: number
): number[] {
  const out: number[] = [];
  const first = Math.ceil(fromSeconds / HOUR_SECONDS) * HOUR_SECONDS;
  for (let h = first; h < toSeconds; h += HOUR_SECONDS) {
    if (h + HOUR_SECONDS + settleSeconds > nowSeconds) break;
    out.push(h);
  }
  return out;
}

/** Hours of a scope that need no work: estimated with real intensity, here or by a run over every project. */
export function doneHours(statuses: readonly HourStatusRecord[], scope: string): Set<number> {
  return new Set(
    statuses.filter((s) => s.status === 'ok' && (s.scope === scope || s.scope === '*')).map((s) => s.hourStartSeconds)
  );
}

/** Consecutive hours cut into [start, end) chunks of at most maxHours. */
export function chunkHours(hours: readonly number[], maxHours: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start: number | undefined;
  let prev = 0;
  for (const h of hours) {
    if (start !== undefined && (h !== prev + HOUR_SECONDS || (h - start) / HOUR_SECONDS >= maxHours)) {
      out.push([start, prev + HOUR_SECONDS]);
      start = undefined;
    }
    start ??= h;
    prev = h;
  }
  if (start !== undefined) out.push([start, prev + HOUR_SECONDS]);
  return out;
}

/** Chunk length when the run's targets are not known (its series call failed): a day, within the cap. */
const UNKNOWN_TARGETS_HOURS = 24;

/**
 * Hours per chunk from a budget of target-hours in flight. A chunk's memory (its answers' points, the rows built from
 * them) grows with targets x hours, so the chunk shortens as the fleet grows: the budget is shared by the chunks in
 * flight. At least one hour, at most `maxHours`.
 */
export function hoursPerChunk(
  targets: number | undefined,
  targetHoursInFlight: number,
  parallelChunks: number,
  maxHours: number
): number {
  if (targets === undefined) return Math.min(maxHours, UNKNOWN_TARGETS_HOURS);
  if (targets <= 0) return maxHours;
  const hours = Math.floor(targetHoursInFlight / Math.max(1, parallelChunks) / targets);
  return Math.max(1, Math.min(maxHours, hours));
}
