// Pure: one rule for reading node_exporter's cpu-seconds counters, shared by live tracking and history's raw recount.

/** node_boot_time_seconds can wobble by a fraction of a second between scrapes on some kernels. */
export const BOOT_TOLERANCE_SECONDS = 1;

export const sameBoot = (a: number, b: number): boolean => Math.abs(a - b) <= BOOT_TOLERANCE_SECONDS;

/**
 * The increase of a cpu-seconds counter between two readings. Counters restart at 0 only on a reboot, so a reset is
 * a boot-time change. A drop within one boot (a CPU going offline, a missing series, the kernel's backwards iowait)
 * re-baselines: the drop charges nothing, and the next reading counts from the new value.
 */
export function counterIncrease(previous: number, current: number, rebooted: boolean): number {
  if (rebooted) return Math.max(0, current);
  return current >= previous ? current - previous : 0;
}

/**
 * A host cannot spend more than cpus x elapsed cpu-seconds; counters that claim more (a CPU coming back with its
 * whole-life counter, duplicated series) are scaled down to that, keeping the busy/idle split.
 */
export function clampCpuSeconds(
  busy: number,
  idle: number,
  cpus: number,
  elapsedSeconds: number
): { busy: number; idle: number; excess: number } {
  const b = Math.max(0, busy);
  const i = Math.max(0, idle);
  const limit = Math.max(0, cpus) * Math.max(0, elapsedSeconds);
  const total = b + i;
  if (total <= limit) return { busy: b, idle: i, excess: 0 };
  const k = total > 0 ? limit / total : 0;
  return { busy: b * k, idle: i * k, excess: total - limit };
}
