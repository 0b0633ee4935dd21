/**
 * Which node_exporter CPU modes count as busy and which as idle, decided once for tracking, history and the docs.
 * - iowait is idle: the CPU waits and runs nothing (the original counted it both ways; we don't).
 * - steal is neither: the hypervisor gave that time to another VM, so it is not this workspace's energy.
 *   It still counts in the sum-check (all modes ~ 3,600 s per CPU-hour).
 */
export const BUSY_MODES = ['user', 'nice', 'system', 'irq', 'softirq'] as const;
export const IDLE_MODES = ['idle', 'iowait'] as const;
export const EXCLUDED_MODES = ['steal'] as const;
export const ALL_MODES = [...BUSY_MODES, ...IDLE_MODES, ...EXCLUDED_MODES] as const;

export type CpuState = 'busy' | 'idle';

export function modeState(mode: string): CpuState | undefined {
  if ((BUSY_MODES as readonly string[]).includes(mode)) return 'busy';
  if ((IDLE_MODES as readonly string[]).includes(mode)) return 'idle';
  return undefined;
}

/** PromQL regex matching the modes of a state, e.g. `user|nice|system|irq|softirq`. */
export function modeRegex(state: CpuState): string {
  return (state === 'busy' ? BUSY_MODES : IDLE_MODES).join('|');
}
