// SQL of the SQLite store's rollups over the compact layout: a range reads whole UTC days from the day rollup and
// only its partial-day edges from the hour rows, so a year costs about 365 day rows per group instead of 8,760.
import { SCALES } from '../compactLayout';
import type { Granularity } from './types';

const HOUR_SECONDS = 3600;
const DAY_HOURS = 24;

/** Named parameters of a range: head hours [h0, h1), whole days [d0, d1), tail hours [t0, t1). */
export interface RangeParams {
  h0: number;
  h1: number;
  d0: number;
  d1: number;
  t0: number;
  t1: number;
}

/** Rows with hour_s in [from, to) (any seconds), split into hour and day parts; days only when `useDays`. */
export function rangeParams(fromSeconds: number, toSeconds: number, useDays: boolean): RangeParams {
  const fromH = Math.ceil(fromSeconds / HOUR_SECONDS);
  const toH = Math.max(fromH, Math.ceil(toSeconds / HOUR_SECONDS));
  const d0 = Math.ceil(fromH / DAY_HOURS);
  const d1 = Math.floor(toH / DAY_HOURS);
  if (!useDays || d0 >= d1) return { h0: fromH, h1: toH, d0: 0, d1: 0, t0: 0, t1: 0 };
  return { h0: fromH, h1: d0 * DAY_HOURS, d0, d1, t0: d1 * DAY_HOURS, t1: toH };
}

const FIGS = `r.busy_cpu_ms AS bc, r.idle_cpu_ms AS ic, r.busy_mj AS bj, r.idle_mj AS ij, r.busy_ng AS bg,
  r.idle_ng AS ig, r.fallback_ng AS fg, r.runtime_ms AS rt`;

/**
 * The union of the range's parts, one row per stored row: name (the key's, when by level), key, s (start, seconds),
 * project, machine, n (hours), rn (hours with runtime) and the figures. `by`: one key (@key) or every key of a level
 * (@level, walked through the dictionary so each key's range is a primary-key seek); @project narrows to one project.
 */
export function rangeSource(by: 'key' | 'level', project: boolean): string {
  const from = (table: string): string =>
    by === 'key'
      ? `FROM ${table} r WHERE r.key = @key`
      : `FROM history_keys k CROSS JOIN ${table} r ON r.key = k.id WHERE k.level = @level`;
  const name = by === 'key' ? 'NULL' : 'k.name';
  const p = project ? 'AND r.project = @project' : '';
  const hours = (lo: string, hi: string): string =>
    `SELECT ${name} AS name, r.key, r.hour * ${HOUR_SECONDS} AS s, r.project, r.machine, 1 AS n,
      r.runtime_ms IS NOT NULL AS rn, ${FIGS} ${from('history_hour_rows')} AND r.hour >= @${lo} AND r.hour < @${hi} ${p}`;
  return `${hours('h0', 'h1')}
    UNION ALL SELECT ${name} AS name, r.key, r.day * ${HOUR_SECONDS * DAY_HOURS} AS s, r.project, r.machine,
      r.hours AS n, r.runtime_hours AS rn, ${FIGS} ${from('history_day_rows')} AND r.day >= @d0 AND r.day < @d1 ${p}
    UNION ALL ${hours('t0', 't1')}`;
}

/** A stored integer (or a sum of them) in its base unit. */
export const base = (expr: string, unit: keyof typeof SCALES): string => `${expr} / ${SCALES[unit].toFixed(1)}`;

/** Sums of the source's figures in base units; runtime unknown (NULL) when any summed row lacks it. */
export const SUMS = `${base('SUM(bc)', 'cpu')} AS busyCpuSeconds, ${base('SUM(ic)', 'cpu')} AS idleCpuSeconds,
  ${base('SUM(bj)', 'joules')} AS busyJoules, ${base('SUM(ij)', 'joules')} AS idleJoules,
  ${base('SUM(bg)', 'grams')} AS busyGrams, ${base('SUM(ig)', 'grams')} AS idleGrams,
  ${base('SUM(fg)', 'grams')} AS fallbackGrams,
  CASE WHEN SUM(rn) = SUM(n) THEN ${base('SUM(rt)', 'runtime')} END AS runtimeSeconds`;

export const BUCKET: Record<Granularity, string> = {
  hour: 's',
  day: 's - (s % 86400)',
  month: "CAST(strftime('%s', s, 'unixepoch', 'start of month') AS INTEGER)",
  year: "CAST(strftime('%s', s, 'unixepoch', 'start of year') AS INTEGER)",
};
