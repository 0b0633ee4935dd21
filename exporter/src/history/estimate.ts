// Pure: Prometheus answers -> cpu-seconds per target and half-hour. No I/O.
import { counterIncrease, sameBoot } from '../model/counters';
import { modeState } from '../model/modes';
import type { Series } from '../sources/prometheus';
import { clampToCpus, pickTarget, type HalfHourUsage, type Irregular } from './boundaries';
import { BOOT_METRIC } from './queries';
import { HALF_HOUR_SECONDS } from './types';

/** The boot time in force at `ts`: the latest boot sample at or before it. */
function bootAt(boots: ReadonlyArray<[number, number]>, ts: number): number | undefined {
  let v: number | undefined;
  for (const [t, b] of boots) {
    if (t > ts) break;
    v = b;
  }
  return v;
}

/**
 * cpu-seconds of raw counter samples over [t0, t1): per series, the baseline is the last sample at or before t0
 * within the lookback (else the first sample after t0: a series that appears, such as a CPU coming back, adds
 * nothing for its past), then every later sample up to t1 adds its increase by `counterIncrease`: a drop is a reset
 * only where the target's boot time changed between the two samples, else it re-baselines. No extrapolation.
 */
export function rawIncrease(
  values: ReadonlyArray<[number, number]>,
  t0Seconds: number,
  t1Seconds: number,
  lookbackSeconds = 300,
  boots: ReadonlyArray<[number, number]> = []
): { increase: number; drops: number } {
  let base = -1;
  for (let i = 0; i < values.length; i++) {
    const ts = values[i]![0];
    if (ts <= t0Seconds && ts > t0Seconds - lookbackSeconds) base = i;
  }
  if (base < 0) base = values.findIndex(([ts]) => ts > t0Seconds);
  if (base < 0) return { increase: 0, drops: 0 };
  let increase = 0;
  let drops = 0;
  for (let i = base + 1; i < values.length && values[i]![0] <= t1Seconds; i++) {
    const [prevTs, prev] = values[i - 1]!;
    const [ts, cur] = values[i]!;
    if (cur >= prev) {
      increase += cur - prev;
      continue;
    }
    const b0 = bootAt(boots, prevTs);
    const b1 = bootAt(boots, ts);
    const rebooted = b0 !== undefined && b1 !== undefined && !sameBoot(b0, b1);
    if (!rebooted) drops++;
    increase += counterIncrease(prev, cur, rebooted);
  }
  return { increase, drops };
}

/**
 * Sums raw per-CPU-per-mode series into busy/idle/other cpu-seconds for one half-hour, bounded by CPUs x 1,800 s.
 * `raw` holds the target's node_cpu_seconds_total series and its node_boot_time_seconds (which tells resets apart).
 */
export function usageFromRaw(
  raw: Series[],
  item: Irregular,
  groupNames: readonly string[]
): (HalfHourUsage & RawAnomalies) | undefined {
  const want = pickTarget(item.labels, groupNames).key;
  const t0 = item.fromSeconds;
  const t1 = t0 + HALF_HOUR_SECONDS;
  const mine = raw.filter((s) => pickTarget(s.metric, groupNames).key === want);
  const boots = mine
    .filter((s) => s.metric.__name__ === BOOT_METRIC)
    .flatMap((s) => s.values)
    .sort((a, b) => a[0] - b[0]);
  const out = { busy: 0, idle: 0, other: 0 };
  const cpus = new Set<string>();
  let matched = false;
  let drops = 0;
  for (const s of mine) {
    if (s.metric.__name__ === BOOT_METRIC) continue;
    matched = true;
    const state = modeState(s.metric.mode ?? '') ?? 'other';
    const r = rawIncrease(s.values, t0, t1, 300, boots);
    out[state] += r.increase;
    drops += r.drops;
    if (s.metric.mode === 'idle') cpus.add(s.metric.cpu ?? '');
  }
  if (!matched) return undefined;
  const { usage, clamped } = clampToCpus({
    labels: item.labels,
    fromSeconds: t0,
    regular: false,
    busyCpuSeconds: out.busy,
    idleCpuSeconds: out.idle,
    otherCpuSeconds: out.other,
    cpus: item.cpus ?? (cpus.size > 0 ? cpus.size : undefined),
    memoryActiveBytes: item.memoryActiveBytes,
  });
  return { ...usage, counterDrops: drops, clamped };
}

/** What a raw recount worked around: counter drops within one boot, and a total clamped to CPUs x 1,800 s. */
export interface RawAnomalies {
  counterDrops: number;
  clamped: boolean;
}
