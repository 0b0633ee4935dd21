// Pure: Prometheus answers -> cpu-seconds per target and half-hour. No I/O.
import { modeState } from '../model/modes';
import type { Series } from '../sources/prometheus';
import { pickTarget, type HalfHourUsage, type Irregular } from './boundaries';
import { HALF_HOUR_SECONDS } from './types';

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
  const want = pickTarget(item.labels, groupNames).key;
  const t0 = item.fromSeconds;
  const t1 = t0 + HALF_HOUR_SECONDS;
  const out = { busy: 0, idle: 0, other: 0 };
  const cpus = new Set<string>();
  let matched = false;
  for (const s of raw) {
    if (pickTarget(s.metric, groupNames).key !== want) continue;
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
