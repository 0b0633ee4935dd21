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
 * Hours a chunk keeps by reading its targets a host set at a time rather than all at once: Prometheus decodes a
 * whole stored chunk of samples for any part of it, so short chunks cost it more per sample read (3-hour chunks
 * took twice as long as 24-hour ones on the 2,000-host bench).
 */
const PREFERRED_HOURS = 24;
/**
 * What the chunk holds for all its targets at once (usage per target and half-hour, then rows), against what one set
 * holds while decoded (answers): the latter is several times the former per target-hour, so a chunk may cover this
 * many times the budget's target-hours over every set, while one set stays within it.
 */
const CHUNK_OVER_SET = 4;

export interface ChunkPlan {
  /** hours per chunk */
  hours: number;
  /** targets one host set of a chunk reads at once (Infinity: the budget never splits them) */
  targetsPerSet: number;
}

/**
 * Chunk hours and host-set size from a budget of target-hours decoded at once, shared by the chunks in flight. The
 * answers of a chunk grow with targets x hours: a large fleet is read a host set at a time, keeping the chunk at
 * PREFERRED_HOURS while its targets x hours stay within CHUNK_OVER_SET budgets; only beyond that do hours shorten
 * (at least one, at most `maxHours`).
 */
export function chunkPlan(
  targets: number | undefined,
  targetHoursInFlight: number,
  parallelChunks: number,
  maxHours: number
): ChunkPlan {
  if (targets === undefined) return { hours: Math.min(maxHours, UNKNOWN_TARGETS_HOURS), targetsPerSet: Infinity };
  if (targets <= 0) return { hours: maxHours, targetsPerSet: Infinity };
  const perChunk = targetHoursInFlight / Math.max(1, parallelChunks);
  const whole = Math.floor(perChunk / targets); // every target in one set
  const split = Math.min(PREFERRED_HOURS, Math.floor((CHUNK_OVER_SET * perChunk) / targets));
  const hours = Math.max(1, Math.min(maxHours, Math.max(whole, split)));
  return { hours, targetsPerSet: Math.max(1, Math.floor(perChunk / hours)) };
}
