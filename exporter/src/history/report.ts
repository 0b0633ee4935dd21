// Builds the REST views of the usage history from the store. Time arithmetic is UTC throughout.
import type { Config } from '../config';
import { joulesToKwh } from '../model/units';
import type { Granularity, UsageStore } from '../store/usage/types';
import {
  HOUR_SECONDS,
  SUM_CHECK_TOLERANCE_RATIO,
  type HourStatus,
  type HourStatusRecord,
  type Level,
  type UsageFigures,
} from './types';

/** A usage query that cannot be answered as asked (bad date, reversed or oversized range); the message says why. */
export class InvalidQuery extends Error {
  override readonly name = 'InvalidQuery';
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** YYYY-MM-DD (a whole UTC day: `to` then means the end of that day) or an ISO date-time with a zone. */
export function parseWhen(text: string, name: 'from' | 'to'): number {
  const d = DATE_RE.exec(text);
  if (d) {
    const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
    const ms = Date.UTC(y, m - 1, day);
    const back = new Date(ms);
    if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== day) {
      throw new InvalidQuery(`${name}: ${JSON.stringify(text)} is not a calendar date`);
    }
    return ms / 1000 + (name === 'to' ? 86400 : 0);
  }
  if (DATETIME_RE.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms / 1000;
  }
  throw new InvalidQuery(
    `${name}: ${JSON.stringify(text)} is not YYYY-MM-DD or an ISO 8601 date-time with a zone (e.g. 2026-11-01T00:00Z)`
  );
}

export interface Range {
  fromSeconds: number;
  toSeconds: number;
}

/** from rounded down and to rounded up to whole hours; rejects reversed, empty, future and oversized ranges. */
export function parseRange(from: string, to: string, nowSeconds: number, maxDays = 3660): Range {
  const f = Math.floor(parseWhen(from, 'from') / HOUR_SECONDS) * HOUR_SECONDS;
  const t = Math.ceil(parseWhen(to, 'to') / HOUR_SECONDS) * HOUR_SECONDS;
  if (t <= f) throw new InvalidQuery(`from (${from}) must be before to (${to})`);
  if (f > nowSeconds) throw new InvalidQuery(`from (${from}) is in the future`);
  if (t - f > maxDays * 86400) throw new InvalidQuery(`the range is longer than ${maxDays} days`);
  return { fromSeconds: f, toSeconds: t };
}

/** Start of the UTC bucket containing t, and the start of the next one. */
export function bucketOf(t: number, g: Granularity): [number, number] {
  if (g === 'hour') return [t - (t % 3600), t - (t % 3600) + 3600];
  if (g === 'day') return [t - (t % 86400), t - (t % 86400) + 86400];
  const d = new Date(t * 1000);
  if (g === 'month')
    return [
      Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000,
      Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000,
    ];
  return [Date.UTC(d.getUTCFullYear(), 0, 1) / 1000, Date.UTC(d.getUTCFullYear() + 1, 0, 1) / 1000];
}

/** Scopes whose hour statuses speak for a (level, key): every-project runs, plus that project's own runs. */
export function scopesFor(config: Pick<Config, 'sites'>, level: Level, key: string): string[] {
  if (level === 'project') return ['*', key];
  if (level === 'site' && config.sites[key]) return ['*', config.sites[key].project];
  return ['*'];
}

const RANK: Record<HourStatus, number> = { failed: 0, machine_averages: 1, fallback: 2, ok: 3 };

/** Best status per hour over the scopes (measured beats machine averages beats a failure; real intensity beats fallback). */
export function bestStatuses(records: readonly HourStatusRecord[]): Map<number, HourStatusRecord> {
  const out = new Map<number, HourStatusRecord>();
  for (const r of records) {
    const cur = out.get(r.hourStartSeconds);
    if (!cur || RANK[r.status] > RANK[cur.status]) out.set(r.hourStartSeconds, r);
  }
  return out;
}

export interface HourCounts {
  hours_expected: number;
  hours_estimated: number;
  hours_failed: number;
  hours_fallback: number;
  /** estimated hours filled from machine averages (Prometheus could not give them), within hours_estimated */
  hours_from_machine_averages: number;
}

/** Hour counts over [from, to): expected = complete hours (ended by now). */
export function countHours(
  statuses: Map<number, HourStatusRecord>,
  fromSeconds: number,
  toSeconds: number,
  nowSeconds: number
): HourCounts {
  const c: HourCounts = {
    hours_expected: 0,
    hours_estimated: 0,
    hours_failed: 0,
    hours_fallback: 0,
    hours_from_machine_averages: 0,
  };
  for (let h = fromSeconds; h < toSeconds && h + HOUR_SECONDS <= nowSeconds; h += HOUR_SECONDS) {
    c.hours_expected++;
    const s = statuses.get(h)?.status;
    if (s === 'ok' || s === 'fallback' || s === 'machine_averages') c.hours_estimated++;
    if (s === 'fallback') c.hours_fallback++;
    if (s === 'machine_averages') c.hours_from_machine_averages++;
    if (s === 'failed') c.hours_failed++;
  }
  return c;
}

export function figuresView(f: UsageFigures | undefined) {
  return {
    busy_cpu_seconds_total: f?.busyCpuSeconds ?? 0,
    idle_cpu_seconds_total: f?.idleCpuSeconds ?? 0,
    busy_cpu_seconds: f?.busyCpuSeconds ?? 0,
    idle_cpu_seconds: f?.idleCpuSeconds ?? 0,
    busy_kwh: joulesToKwh(f?.busyJoules ?? 0),
    idle_kwh: joulesToKwh(f?.idleJoules ?? 0),
    busy_gCo2eq: f?.busyGrams ?? 0,
    idle_gCo2eq: f?.idleGrams ?? 0,
    // no rows: nothing ran; rows stored before runtime was kept: unknown
    runtime_seconds: f === undefined ? 0 : (f.runtimeSeconds ?? null),
  };
}

const iso = (s: number): string => new Date(s * 1000).toISOString();

export async function usageSeries(
  store: UsageStore,
  config: Pick<Config, 'sites'>,
  q: { level: Level; key: string; range: Range; granularity: Granularity; now: number }
) {
  const { level, key, range, granularity, now } = q;
  const filter = { level, key, fromSeconds: range.fromSeconds, toSeconds: range.toSeconds };
  const [buckets, statuses] = await Promise.all([
    store.buckets(filter, granularity),
    store.hourStatuses(scopesFor(config, level, key), range.fromSeconds, range.toSeconds),
  ]);
  const best = bestStatuses(statuses);
  const byStart = new Map(buckets.map((b) => [b.startSeconds, b]));
  const series = [];
  const totals = {
    busy_cpu_seconds_total: 0,
    idle_cpu_seconds_total: 0,
    busy_cpu_seconds: 0,
    idle_cpu_seconds: 0,
    busy_kwh: 0,
    idle_kwh: 0,
    busy_gCo2eq: 0,
    idle_gCo2eq: 0,
    hours_expected: 0,
    hours_estimated: 0,
    hours_failed: 0,
    hours_fallback: 0,
  };
  let runtime: number | null = 0;
  let fromAverages = 0;
  for (let t = bucketOf(range.fromSeconds, granularity)[0]; t < range.toSeconds; t = bucketOf(t, granularity)[1]) {
    const [a, b] = bucketOf(t, granularity);
    const { hours_from_machine_averages: n, ...counts } = countHours(
      best,
      Math.max(a, range.fromSeconds),
      Math.min(b, range.toSeconds),
      now
    );
    fromAverages += n;
    const row = {
      time: iso(a),
      // never mixed silently: a bucket with an hour from machine averages says so (the fields only then)
      ...(n > 0 ? { estimated_from: 'machine_averages' as const, hours_from_machine_averages: n } : {}),
      ...figuresView(byStart.get(a)),
      ...counts,
    };
    for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += row[k];
    runtime = runtime !== null && row.runtime_seconds !== null ? runtime + row.runtime_seconds : null;
    series.push(row);
  }
  return {
    level,
    key,
    granularity,
    from: iso(range.fromSeconds),
    to: iso(range.toSeconds),
    series,
    totals: {
      ...totals,
      runtime_seconds: runtime,
      ...(fromAverages > 0 ? { hours_from_machine_averages: fromAverages } : {}),
    },
  };
}

/**
 * The CPU-time sum-check over the estimated hours. An estimated hour with no ratio had no node_exporter CPU samples
 * in its scope: its zero is "nothing seen", so it is counted apart, and with no hour checked `held` is null (nothing
 * was checked), not true.
 */
export function sumCheck(best: Map<number, HourStatusRecord>) {
  let checked = 0;
  let off = 0;
  let withoutSamples = 0;
  for (const r of best.values()) {
    if (r.status === 'failed' || r.status === 'machine_averages') continue; // nothing measured to check
    if (r.sumCheckRatio === null) {
      withoutSamples++;
      continue;
    }
    checked++;
    if (Math.abs(r.sumCheckRatio - 1) > SUM_CHECK_TOLERANCE_RATIO) off++;
  }
  return {
    hours_checked: checked,
    hours_off: off,
    hours_without_samples: withoutSamples,
    held: checked > 0 ? off === 0 : null,
    tolerance_ratio: SUM_CHECK_TOLERANCE_RATIO,
  };
}
