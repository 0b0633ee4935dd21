// Idle waste and what shutting idle workspaces down would save. Pure: uses the one power model, no I/O.
import { intervalEnergy, type PowerProfile } from '../model/power';
import { DAY_SECONDS } from '../model/slots';
import { gramsFor } from '../model/units';
import { ITEMS_PER_STEP, runNow, type Steps } from '../tracking/slices';
import type { WorkspaceState } from '../tracking/types';

/** The parts of a tracked workspace this needs. */
export type IdleInput = Pick<
  WorkspaceState,
  | 'site'
  | 'project'
  | 'machine'
  | 'host'
  | 'user'
  | 'cpus'
  | 'idleRatio'
  | 'powerWatts'
  | 'idlePowerWatts'
  | 'idleJoules'
  | 'idleGrams'
  | 'lastMemoryActiveBytes'
  | 'status'
>;

export interface SavingsOptions {
  profileFor: (machine: string) => PowerProfile;
  pue: number;
  /** a workspace is idle when its CPU idle ratio over the last interval is at least this (0-1) */
  idleRatioThreshold: number;
  /** intensity the projected day is converted at (gCO2/kWh) */
  gramsPerKwh: number;
}

export interface IdleTotals {
  /** active workspaces in the group */
  workspaces: number;
  /** of which idle by the threshold */
  idleWorkspaces: number;
  /** the idle part of the current draw of all the group's workspaces (W) */
  idlePowerWatts: number;
  /** idle energy and emissions of the open workspaces since each started (J, g) */
  idleJoules: number;
  idleGrams: number;
  /** what the idle workspaces would draw over a day if left idle, i.e. what shutting them down saves (J, g) */
  shutdownSavingJoulesPerDay: number;
  shutdownSavingGramsPerDay: number;
}

export const zeroIdleTotals = (): IdleTotals => ({
  workspaces: 0,
  idleWorkspaces: 0,
  idlePowerWatts: 0,
  idleJoules: 0,
  idleGrams: 0,
  shutdownSavingJoulesPerDay: 0,
  shutdownSavingGramsPerDay: 0,
});

/**
 * Energy of one workspace left fully idle for a day, by the same power model tracking uses: every vCPU at the idle
 * wattage, memory at its last active size, other components, PUE. This is what shutting it down saves per day.
 */
export function idleDayJoules(profile: PowerProfile, pue: number, cpus: number, memoryActiveBytes?: number): number {
  const e = intervalEnergy(profile, pue, {
    busyCpuSeconds: 0,
    idleCpuSeconds: Math.max(0, cpus) * DAY_SECONDS,
    elapsedSeconds: DAY_SECONDS,
    memoryActiveBytes,
  });
  return e.busyJoules + e.idleJoules;
}

export const isIdle = (w: Pick<IdleInput, 'idleRatio' | 'status'>, threshold: number): boolean =>
  w.status === 'active' && w.idleRatio !== null && w.idleRatio >= threshold;

/** Adds one workspace into totals. */
export function addWorkspace(into: IdleTotals, w: IdleInput, opts: SavingsOptions): IdleTotals {
  if (w.status !== 'active') return into;
  into.workspaces++;
  into.idlePowerWatts += w.idlePowerWatts;
  into.idleJoules += w.idleJoules;
  into.idleGrams += w.idleGrams;
  if (isIdle(w, opts.idleRatioThreshold)) {
    const j = idleDayJoules(opts.profileFor(w.machine), opts.pue, w.cpus, w.lastMemoryActiveBytes);
    into.idleWorkspaces++;
    into.shutdownSavingJoulesPerDay += j;
    into.shutdownSavingGramsPerDay += gramsFor(j, opts.gramsPerKwh);
  }
  return into;
}

/** Totals per group key (e.g. site and project), for the groups that have active workspaces. */
export function idleTotalsBy<K extends string>(
  workspaces: readonly IdleInput[],
  opts: SavingsOptions,
  keyOf: (w: IdleInput) => K
): Map<K, IdleTotals> {
  return runNow(idleTotalsSteps(workspaces, opts, keyOf));
}

/** idleTotalsBy in steps of ITEMS_PER_STEP workspaces, for serve to run in slices. */
export function* idleTotalsSteps<K extends string>(
  workspaces: readonly IdleInput[],
  opts: SavingsOptions,
  keyOf: (w: IdleInput) => K
): Steps<Map<K, IdleTotals>> {
  const out = new Map<K, IdleTotals>();
  let n = 0;
  for (const w of workspaces) {
    if (++n % ITEMS_PER_STEP === 0) yield;
    if (w.status !== 'active') continue;
    const k = keyOf(w);
    let t = out.get(k);
    if (!t) out.set(k, (t = zeroIdleTotals()));
    addWorkspace(t, w, opts);
  }
  return out;
}

/** Mean of the forecast values over the next `hours` (from the slot containing now); null when none. */
export function meanForecast(
  slots: ReadonlyArray<{ fromSeconds: number; forecast: number | null }>,
  nowSeconds: number,
  hours: number
): number | null {
  const from = Math.floor(nowSeconds / 1800) * 1800;
  let sum = 0;
  let n = 0;
  for (const s of slots) {
    if (s.fromSeconds < from || s.fromSeconds >= from + hours * 3600 || s.forecast === null) continue;
    sum += s.forecast;
    n++;
  }
  return n === 0 ? null : sum / n;
}
