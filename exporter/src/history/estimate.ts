// Pure: Prometheus answers -> cpu-seconds per target and half-hour. No I/O.
import { modeState } from '../model/modes';
import type { Series } from '../sources/prometheus';
import { HALF_HOUR_SECONDS } from './types';

/** One target (job + instance + attribution labels) in one half-hour. */
export interface HalfHourUsage {
  /** the grouped labels of the target */
  labels: Record<string, string>;
  fromSeconds: number;
  busyCpuSeconds: number;
  idleCpuSeconds: number;
  /** steal and any mode that is neither busy nor idle: not energy, but part of the sum-check */
  otherCpuSeconds: number;
  cpus: number | undefined;
  /** mean active memory over the half-hour, when known */
  memoryActiveBytes: number | undefined;
  /** boundary difference (true) or recomputed from raw samples (false) */
  regular: boolean;
}

/** A target-half-hour whose boundary values cannot be differenced: redo it from raw samples. */
export interface Irregular {
  labels: Record<string, string>;
  fromSeconds: number;
  cpus: number | undefined;
  memoryActiveBytes: number | undefined;
}

const STATES = ['busy', 'idle', 'other'] as const;
/** node_boot_time_seconds can wobble by a fraction of a second between scrapes on some kernels */
const BOOT_TOLERANCE_SECONDS = 1;

export function labelKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

function withoutMode(metric: Record<string, string>): Record<string, string> {
  const { mode: _mode, ...rest } = metric;
  return rest;
}

/**
 * Differences consecutive half-hour boundary values of the historyQueries answers (series tagged "_busy", "_idle",
 * "_other", "_cpus", "_boot", "_mem"; series with a real mode label are folded by the mode rule). Boundaries are
 * start, start + 1800, ..., end. A target-half-hour is regular when all three counters are present at both ends,
 * none went down and the boot time did not change; otherwise it is returned as irregular (if seen at either end).
 */
export function differenceBoundaries(series: Series[], startSeconds: number, endSeconds: number): { usage: HalfHourUsage[]; irregular: Irregular[] } {
  const targets = new Map<string, { labels: Record<string, string>; values: Map<string, Map<number, number>> }>();
  for (const s of series) {
    const mode = s.metric.mode ?? '';
    // "_cpus", "_boot", "_mem" are the helper series; real modes fold into busy, idle or other (steal, unknown)
    const state = mode.startsWith('_') ? mode.slice(1) : modeState(mode) ?? 'other';
    const labels = withoutMode(s.metric);
    const k = labelKey(labels);
    let t = targets.get(k);
    if (!t) targets.set(k, (t = { labels, values: new Map() }));
    let byTime = t.values.get(state);
    if (!byTime) t.values.set(state, (byTime = new Map()));
    for (const [ts, v] of s.values) {
      if (!Number.isFinite(v)) continue;
      const r = Math.round(ts);
      byTime.set(r, (byTime.get(r) ?? 0) + v);
    }
  }
  const usage: HalfHourUsage[] = [];
  const irregular: Irregular[] = [];
  for (const { labels, values } of targets.values()) {
    // a target with no "other" mode at all (no steal series, e.g. not Linux) has 0 there, not a missing value
    const noOther = !values.has('other');
    const at = (state: string, ts: number): number | undefined =>
      state === 'other' && noOther && values.has('busy') ? 0 : values.get(state)?.get(ts);
    for (let t0 = startSeconds; t0 + HALF_HOUR_SECONDS <= endSeconds; t0 += HALF_HOUR_SECONDS) {
      const t1 = t0 + HALF_HOUR_SECONDS;
      const v0 = STATES.map((s) => at(s, t0));
      const v1 = STATES.map((s) => at(s, t1));
      const seen0 = v0.some((v) => v !== undefined);
      const seen1 = v1.some((v) => v !== undefined);
      if (!seen0 && !seen1) continue;
      const cpus = at('cpus', t1) ?? at('cpus', t0);
      const mem = at('mem', t1);
      const b0 = at('boot', t0);
      const b1 = at('boot', t1);
      const bootSame = b0 === undefined || b1 === undefined ? b0 === b1 : Math.abs(b1 - b0) <= BOOT_TOLERANCE_SECONDS;
      const complete = v0.every((v) => v !== undefined) && v1.every((v) => v !== undefined);
      const monotone = complete && v0.every((v, i) => v1[i]! >= v!);
      if (complete && monotone && bootSame) {
        usage.push({
          labels, fromSeconds: t0, cpus, memoryActiveBytes: mem, regular: true,
          busyCpuSeconds: v1[0]! - v0[0]!, idleCpuSeconds: v1[1]! - v0[1]!, otherCpuSeconds: v1[2]! - v0[2]!,
        });
      } else {
        irregular.push({ labels, fromSeconds: t0, cpus, memoryActiveBytes: mem });
      }
    }
  }
  return { usage, irregular };
}

/**
 * cpu-seconds of raw counter samples over [t0, t1): per series, the baseline is the last sample at or before t0
 * within the lookback (else the first sample after t0), then every later sample up to t1 adds its increase, or its
 * whole value after a reset (counters restart at 0 on boot). This is what counter arithmetic over the stored samples
 * gives, with no extrapolation.
 */
export function rawIncrease(
  values: ReadonlyArray<[number, number]>, t0Seconds: number, t1Seconds: number, lookbackSeconds = 300,
): number {
  let base = -1;
  for (let i = 0; i < values.length; i++) {
    const ts = values[i]![0];
    if (ts <= t0Seconds && ts > t0Seconds - lookbackSeconds) base = i;
  }
  if (base < 0) base = values.findIndex(([ts]) => ts > t0Seconds);
  if (base < 0) return 0;
  let total = 0;
  for (let i = base + 1; i < values.length && values[i]![0] <= t1Seconds; i++) {
    const prev = values[i - 1]![1];
    const cur = values[i]![1];
    total += cur >= prev ? cur - prev : cur;
  }
  return total;
}

/** Sums raw per-CPU-per-mode series into busy/idle/other cpu-seconds for one half-hour. */
export function usageFromRaw(raw: Series[], item: Irregular, groupNames: readonly string[]): HalfHourUsage | undefined {
  const want = labelKey(item.labels);
  const t0 = item.fromSeconds;
  const t1 = t0 + HALF_HOUR_SECONDS;
  const out = { busy: 0, idle: 0, other: 0 };
  const cpus = new Set<string>();
  let matched = false;
  for (const s of raw) {
    const labels: Record<string, string> = {};
    for (const n of groupNames) if (s.metric[n] !== undefined && s.metric[n] !== '') labels[n] = s.metric[n]!;
    if (labelKey(labels) !== want) continue;
    matched = true;
    const state = modeState(s.metric.mode ?? '') ?? 'other';
    out[state] += rawIncrease(s.values, t0, t1);
    if (s.metric.mode === 'idle') cpus.add(s.metric.cpu ?? '');
  }
  if (!matched) return undefined;
  return {
    labels: item.labels, fromSeconds: t0, regular: false,
    busyCpuSeconds: out.busy, idleCpuSeconds: out.idle, otherCpuSeconds: out.other,
    cpus: item.cpus ?? (cpus.size > 0 ? cpus.size : undefined), memoryActiveBytes: item.memoryActiveBytes,
  };
}
