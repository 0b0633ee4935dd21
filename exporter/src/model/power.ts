import { BYTES_PER_GIB } from './units';

/** A machine type's power profile (the config's machines.<name>, already merged with machines.default). */
export interface PowerProfile {
  busyWattsPerCpu: number;
  idleWattsPerCpu: number;
  memoryWattsPerGiB: number;
  /** Fixed memory watts; replaces memoryWattsPerGiB when set. */
  memoryWatts?: number;
  otherWatts: number;
}

export interface IntervalUsage {
  /** cpu-seconds spent in busy modes during the interval, summed over the host's CPUs */
  busyCpuSeconds: number;
  /** cpu-seconds spent in idle modes during the interval */
  idleCpuSeconds: number;
  /** wall-clock seconds the host was up during the interval (memory and other power accrue over it) */
  elapsedSeconds: number;
  /** active memory during the interval; undefined when unknown (memory power then counts 0 and the caller marks it) */
  memoryActiveBytes?: number;
}

export interface EnergySplit {
  busyJoules: number;
  idleJoules: number;
}

/**
 * Energy of one host over one interval. CPU energy is per cpu-second at the busy or idle wattage (an idle CPU is not
 * 0 W). Memory and other power run for the whole interval and are shared between busy and idle in proportion to the
 * busy share of CPU time, as the original split did. PUE scales everything to the facility's draw.
 */
export function intervalEnergy(profile: PowerProfile, pue: number, usage: IntervalUsage): EnergySplit {
  const busy = Math.max(0, usage.busyCpuSeconds);
  const idle = Math.max(0, usage.idleCpuSeconds);
  const elapsed = Math.max(0, usage.elapsedSeconds);
  const staticJoules = staticWatts(profile, usage.memoryActiveBytes) * elapsed;
  const busyShare = busy + idle > 0 ? busy / (busy + idle) : 0;
  return {
    busyJoules: (busy * profile.busyWattsPerCpu + staticJoules * busyShare) * pue,
    idleJoules: (idle * profile.idleWattsPerCpu + staticJoules * (1 - busyShare)) * pue,
  };
}

/** Watts that do not depend on CPU load: memory (fixed or per active GiB) plus other components. */
export function staticWatts(profile: PowerProfile, memoryActiveBytes?: number): number {
  const memory =
    profile.memoryWatts ??
    (memoryActiveBytes !== undefined ? (memoryActiveBytes / BYTES_PER_GIB) * profile.memoryWattsPerGiB : 0);
  return memory + profile.otherWatts;
}

/** Mean power over an interval from its energy. */
export function meanWatts(energy: EnergySplit, elapsedSeconds: number): { watts: number; idleWatts: number } {
  if (!(elapsedSeconds > 0)) return { watts: 0, idleWatts: 0 };
  return {
    watts: (energy.busyJoules + energy.idleJoules) / elapsedSeconds,
    idleWatts: energy.idleJoules / elapsedSeconds,
  };
}

/**
 * The most a host of `cpus` vCPUs can draw: every CPU at its busier wattage plus memory and other components. Energy
 * charged for an interval never exceeds this x PUE x elapsed (tracking and history clamp the cpu-seconds to fit).
 */
export function physicalLimitWatts(profile: PowerProfile, cpus: number, memoryActiveBytes?: number): number {
  return (
    Math.max(0, cpus) * Math.max(profile.busyWattsPerCpu, profile.idleWattsPerCpu) +
    staticWatts(profile, memoryActiveBytes)
  );
}
