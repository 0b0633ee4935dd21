import { intervalEnergy, meanWatts, type PowerProfile } from '../model/power';
import { gramsFor } from '../model/units';
import type { TargetObservation, WorkspaceState } from './types';

export interface CycleContext {
  nowSeconds: number;
  pue: number;
  profileFor(machine: string): PowerProfile;
  gramsPerKwh: number;
  intensityIsFallback: boolean;
  /** a workspace unseen for longer than this is closed */
  closeAfterSeconds: number;
}

export interface CycleResult {
  /** every state touched this cycle (to persist), including ones closed now */
  changed: WorkspaceState[];
  /** open workspaces after the cycle, by id */
  open: Map<string, WorkspaceState>;
}

export const workspaceId = (job: string, instance: string, bootTimeSeconds: number): string =>
  `${job}|${instance}|${Math.round(bootTimeSeconds)}`;

const targetKey = (job: string, instance: string): string => `${job}|${instance}`;

function isUsable(o: TargetObservation): o is TargetObservation & {
  bootTimeSeconds: number; busyCpuSeconds: number; idleCpuSeconds: number;
} {
  return o.up && o.bootTimeSeconds !== undefined && o.busyCpuSeconds !== undefined && o.idleCpuSeconds !== undefined;
}

/**
 * One tracking step, pure: integrates energy from counter increases over the real time since each workspace was last
 * seen, so a missed cycle or an outage loses nothing. A workspace seen for the first time is charged its counters since
 * boot (its whole life so far); a reboot closes the old workspace and opens a new one.
 */
export function integrateCycle(
  previous: ReadonlyMap<string, WorkspaceState>,
  observations: readonly TargetObservation[],
  ctx: CycleContext,
): CycleResult {
  const open = new Map<string, WorkspaceState>();
  const changed: WorkspaceState[] = [];
  const byTarget = new Map<string, WorkspaceState>();
  for (const s of previous.values()) byTarget.set(targetKey(s.job, s.instance), s);
  const seen = new Set<string>();

  for (const o of observations) {
    if (!isUsable(o)) continue;
    const id = workspaceId(o.job, o.instance, o.bootTimeSeconds);
    const prior = previous.get(id);
    const sameTarget = byTarget.get(targetKey(o.job, o.instance));
    if (sameTarget && sameTarget.id !== id && !seen.has(sameTarget.id)) {
      // rebooted: the old workspace ends where it was last seen
      const closed = { ...sameTarget, status: 'closed' as const, closedAtSeconds: sameTarget.lastSeenSeconds, powerWatts: 0, idlePowerWatts: 0 };
      changed.push(closed);
      seen.add(sameTarget.id);
    }
    seen.add(id);
    const next = prior ? advance(prior, o, ctx) : begin(id, o, ctx);
    open.set(id, next);
    changed.push(next);
  }

  for (const s of previous.values()) {
    if (seen.has(s.id)) continue;
    if (ctx.nowSeconds - s.lastSeenSeconds > ctx.closeAfterSeconds) {
      changed.push({ ...s, status: 'closed', closedAtSeconds: s.lastSeenSeconds, powerWatts: 0, idlePowerWatts: 0 });
    } else {
      const missing = { ...s, status: 'missing' as const };
      open.set(s.id, missing);
      if (s.status !== 'missing') changed.push(missing);
    }
  }
  return { changed, open };
}

type Usable = TargetObservation & { bootTimeSeconds: number; busyCpuSeconds: number; idleCpuSeconds: number };

function begin(id: string, o: Usable, ctx: CycleContext): WorkspaceState {
  const elapsed = Math.max(0, ctx.nowSeconds - o.bootTimeSeconds);
  const zero: WorkspaceState = {
    ...o.labels,
    id,
    job: o.job,
    instance: o.instance,
    startedAtSeconds: o.bootTimeSeconds,
    cpus: o.cpus ?? 0,
    firstSeenSeconds: ctx.nowSeconds,
    lastSeenSeconds: o.bootTimeSeconds,
    lastBusyCpuSeconds: 0,
    lastIdleCpuSeconds: 0,
    busyCpuSecondsTotal: 0,
    idleCpuSecondsTotal: 0,
    busyJoules: 0,
    idleJoules: 0,
    busyGrams: 0,
    idleGrams: 0,
    fallbackGrams: 0,
    powerWatts: 0,
    idlePowerWatts: 0,
    idleRatio: null,
    status: 'active',
    partial: false,
  };
  return accumulate(zero, o, ctx, elapsed, o.busyCpuSeconds, o.idleCpuSeconds);
}

function advance(prior: WorkspaceState, o: Usable, ctx: CycleContext): WorkspaceState {
  const elapsed = Math.max(0, ctx.nowSeconds - prior.lastSeenSeconds);
  // a counter below its last value was reset without a reboot: what it shows now is all new
  const dBusy = o.busyCpuSeconds >= prior.lastBusyCpuSeconds ? o.busyCpuSeconds - prior.lastBusyCpuSeconds : o.busyCpuSeconds;
  const dIdle = o.idleCpuSeconds >= prior.lastIdleCpuSeconds ? o.idleCpuSeconds - prior.lastIdleCpuSeconds : o.idleCpuSeconds;
  return accumulate(prior, o, ctx, elapsed, dBusy, dIdle);
}

function accumulate(
  s: WorkspaceState, o: Usable, ctx: CycleContext, elapsed: number, dBusy: number, dIdle: number,
): WorkspaceState {
  // memory: the mean of the two ends when both are known
  const mem = o.memoryActiveBytes !== undefined && s.lastMemoryActiveBytes !== undefined
    ? (o.memoryActiveBytes + s.lastMemoryActiveBytes) / 2
    : o.memoryActiveBytes ?? s.lastMemoryActiveBytes;
  const energy = intervalEnergy(ctx.profileFor(o.labels.machine), ctx.pue, {
    busyCpuSeconds: dBusy, idleCpuSeconds: dIdle, elapsedSeconds: elapsed, memoryActiveBytes: mem,
  });
  const busyGrams = gramsFor(energy.busyJoules, ctx.gramsPerKwh);
  const idleGrams = gramsFor(energy.idleJoules, ctx.gramsPerKwh);
  const power = meanWatts(energy, elapsed);
  return {
    ...s,
    ...o.labels,
    cpus: o.cpus ?? s.cpus,
    lastSeenSeconds: ctx.nowSeconds,
    lastBusyCpuSeconds: o.busyCpuSeconds,
    lastIdleCpuSeconds: o.idleCpuSeconds,
    lastMemoryActiveBytes: o.memoryActiveBytes ?? s.lastMemoryActiveBytes,
    busyCpuSecondsTotal: s.busyCpuSecondsTotal + dBusy,
    idleCpuSecondsTotal: s.idleCpuSecondsTotal + dIdle,
    busyJoules: s.busyJoules + energy.busyJoules,
    idleJoules: s.idleJoules + energy.idleJoules,
    busyGrams: s.busyGrams + busyGrams,
    idleGrams: s.idleGrams + idleGrams,
    fallbackGrams: s.fallbackGrams + (ctx.intensityIsFallback ? busyGrams + idleGrams : 0),
    powerWatts: elapsed > 0 ? power.watts : s.powerWatts,
    idlePowerWatts: elapsed > 0 ? power.idleWatts : s.idlePowerWatts,
    idleRatio: dBusy + dIdle > 0 ? dIdle / (dBusy + dIdle) : s.idleRatio,
    status: 'active',
    partial: o.memoryActiveBytes === undefined && ctx.profileFor(o.labels.machine).memoryWatts === undefined,
  };
}
