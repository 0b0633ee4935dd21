import { clampCpuSeconds, counterIncrease, sameBoot } from '../model/counters';
import { intervalEnergy, meanWatts, type PowerProfile } from '../model/power';
import { gramsFor } from '../model/units';
import { vmKey } from './observe';
import { ITEMS_PER_STEP, runNow, type Steps } from './slices';
import { runtimeSecondsOf, type Anomaly, type TargetObservation, type WorkspaceState } from './types';

/** cpu-seconds of one target since its last reading, summed over the CPUs present at both readings. */
export interface CpuIncrease {
  busyCpuSeconds: number;
  idleCpuSeconds: number;
}

export interface CycleContext {
  nowSeconds: number;
  pue: number;
  profileFor(machine: string): PowerProfile;
  gramsPerKwh: number;
  intensityIsFallback: boolean;
  /** a workspace unseen for longer than this is closed */
  closeAfterSeconds: number;
  /** per-CPU increases (by `targetKey`) of the targets `needsDetail` named, when the detail query answered */
  detail?: ReadonlyMap<string, CpuIncrease>;
}

export interface CycleResult {
  /** every state touched this cycle (to persist), including ones closed now */
  changed: WorkspaceState[];
  /** open workspaces after the cycle, by id */
  open: Map<string, WorkspaceState>;
  anomalies: Anomaly[];
}

/** Counts above cpus x elapsed by less than this share are timing noise (scrape jitter), clamped but not reported. */
const LIMIT_NOISE_RATIO = 0.005;

export const workspaceId = (
  o: Pick<TargetObservation, 'job' | 'instance' | 'labels'>,
  bootTimeSeconds: number
): string => `${vmKey(o.labels.host, o.job, o.instance)}|${Math.round(bootTimeSeconds)}`;

export const targetKey = (job: string, instance: string): string => `${job}|${instance}`;

type Usable = TargetObservation & { bootTimeSeconds: number; busyCpuSeconds: number; idleCpuSeconds: number };

function isUsable(o: TargetObservation): o is Usable {
  return o.up && o.bootTimeSeconds !== undefined && o.busyCpuSeconds !== undefined && o.idleCpuSeconds !== undefined;
}

const dropped = (prior: WorkspaceState, o: Usable): boolean =>
  o.busyCpuSeconds < prior.lastBusyCpuSeconds || o.idleCpuSeconds < prior.lastIdleCpuSeconds;
const cpusChanged = (prior: WorkspaceState, o: Usable): boolean =>
  o.cpus !== undefined && prior.cpus > 0 && o.cpus !== prior.cpus;

/** The open state an observation continues: same VM and boot. */
function priorOf(
  previous: ReadonlyMap<string, WorkspaceState>,
  byVm: ReadonlyMap<string, WorkspaceState[]>,
  o: Usable
) {
  return (
    previous.get(workspaceId(o, o.bootTimeSeconds)) ??
    byVm.get(vmKey(o.labels.host, o.job, o.instance))?.find((s) => sameBoot(s.startedAtSeconds, o.bootTimeSeconds))
  );
}

function statesByVm(previous: ReadonlyMap<string, WorkspaceState>): Map<string, WorkspaceState[]> {
  const byVm = new Map<string, WorkspaceState[]>();
  for (const s of previous.values()) {
    const k = vmKey(s.host, s.job, s.instance);
    const list = byVm.get(k);
    if (list) list.push(s);
    else byVm.set(k, [s]);
  }
  return byVm;
}

/**
 * The targets whose summed counters cannot be differenced this cycle (a sum went down or the CPU count changed
 * within one boot), with the instant of their last reading: the per-CPU detail to read, and only for them.
 */
export const needsDetail = (
  previous: ReadonlyMap<string, WorkspaceState>,
  observations: readonly TargetObservation[]
): DetailWanted[] => runNow(needsDetailSteps(previous, observations));

export type DetailWanted = { job: string; instance: string; sinceSeconds: number };

/** needsDetail as steps (see slices.ts). */
export function* needsDetailSteps(
  previous: ReadonlyMap<string, WorkspaceState>,
  observations: readonly TargetObservation[]
): Steps<DetailWanted[]> {
  const byVm = statesByVm(previous);
  const out: DetailWanted[] = [];
  let n = 0;
  for (const o of observations) {
    if (++n % ITEMS_PER_STEP === 0) yield;
    if (!isUsable(o)) continue;
    const prior = priorOf(previous, byVm, o);
    if (prior && (dropped(prior, o) || cpusChanged(prior, o))) {
      out.push({ job: o.job, instance: o.instance, sinceSeconds: prior.lastSeenSeconds });
    }
  }
  return out;
}

/**
 * One tracking step, pure: integrates energy from counter increases over the real time since each workspace was last
 * read, so a missed cycle or an outage loses nothing. There is one workspace per VM and boot: a workspace seen for
 * the first time is charged its counters since boot (its whole life so far); a new boot closes the VM's old one.
 * Counters follow `counterIncrease` (a drop re-baselines) and are bounded by CPUs x elapsed.
 */
export const integrateCycle = (
  previous: ReadonlyMap<string, WorkspaceState>,
  observations: readonly TargetObservation[],
  ctx: CycleContext
): CycleResult => runNow(integrateSteps(previous, observations, ctx));

/** integrateCycle as steps, yielding every ITEMS_PER_STEP workspaces (see slices.ts). */
export function* integrateSteps(
  previous: ReadonlyMap<string, WorkspaceState>,
  observations: readonly TargetObservation[],
  ctx: CycleContext
): Steps<CycleResult> {
  let n = 0;
  const open = new Map<string, WorkspaceState>();
  const changed: WorkspaceState[] = [];
  const anomalies: Anomaly[] = [];
  const byVm = statesByVm(previous);
  const seen = new Set<string>();
  const close = (s: WorkspaceState): void => {
    changed.push({ ...s, status: 'closed', closedAtSeconds: s.lastSeenSeconds, powerWatts: 0, idlePowerWatts: 0 });
    seen.add(s.id);
  };

  for (const o of observations) {
    if (++n % ITEMS_PER_STEP === 0) yield;
    if (!isUsable(o)) continue;
    const prior = priorOf(previous, byVm, o);
    // the VM's other workspaces ended: it rebooted (or a stale duplicate stood for it)
    for (const s of byVm.get(vmKey(o.labels.host, o.job, o.instance)) ?? []) {
      if (s !== prior && !seen.has(s.id)) close(s);
    }
    const next = prior
      ? advance(prior, o, ctx, anomalies)
      : begin(workspaceId(o, o.bootTimeSeconds), o, ctx, anomalies);
    seen.add(next.id);
    open.set(next.id, next);
    changed.push(next);
  }

  for (const s of previous.values()) {
    if (++n % ITEMS_PER_STEP === 0) yield;
    if (seen.has(s.id)) continue;
    if (ctx.nowSeconds - s.lastSeenSeconds > ctx.closeAfterSeconds) {
      close(s);
    } else {
      const missing = { ...s, status: 'missing' as const };
      open.set(s.id, missing);
      if (s.status !== 'missing') changed.push(missing);
    }
  }
  return { changed, open, anomalies };
}

const note = (anomalies: Anomaly[], kind: Anomaly['kind'], o: Usable, detail: string): void => {
  anomalies.push({ kind, host: o.labels.host, job: o.job, instance: o.instance, detail });
};

function begin(id: string, o: Usable, ctx: CycleContext, anomalies: Anomaly[]): WorkspaceState {
  const zero: WorkspaceState = {
    ...o.labels,
    id,
    job: o.job,
    instance: o.instance,
    startedAtSeconds: o.bootTimeSeconds,
    cpus: o.cpus ?? 0,
    firstSeenSeconds: ctx.nowSeconds,
    lastSeenSeconds: o.bootTimeSeconds,
    lastSampleSeconds: o.bootTimeSeconds,
    lastBusyCpuSeconds: 0,
    lastIdleCpuSeconds: 0,
    busyCpuSecondsTotal: 0,
    idleCpuSecondsTotal: 0,
    runtimeSeconds: 0,
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
  return accumulate(
    zero,
    o,
    ctx,
    anomalies,
    counterIncrease(0, o.busyCpuSeconds, true),
    counterIncrease(0, o.idleCpuSeconds, true)
  );
}

function advance(prior: WorkspaceState, o: Usable, ctx: CycleContext, anomalies: Anomaly[]): WorkspaceState {
  const drop = dropped(prior, o);
  const resized = cpusChanged(prior, o);
  if (drop) {
    note(
      anomalies,
      'counter_drop',
      o,
      `busy ${prior.lastBusyCpuSeconds} -> ${o.busyCpuSeconds}, idle ${prior.lastIdleCpuSeconds} -> ${o.idleCpuSeconds} cpu-s, boot unchanged`
    );
  }
  if (resized) note(anomalies, 'cpu_set_change', o, `${prior.cpus} -> ${o.cpus} CPUs, boot unchanged`);
  const detail = drop || resized ? ctx.detail?.get(targetKey(o.job, o.instance)) : undefined;
  if (detail) return accumulate(prior, o, ctx, anomalies, detail.busyCpuSeconds, detail.idleCpuSeconds);
  // without per-CPU detail, a CPU set that changed makes both sums incomparable: re-baseline them
  const dBusy = resized ? 0 : counterIncrease(prior.lastBusyCpuSeconds, o.busyCpuSeconds, false);
  const dIdle = resized ? 0 : counterIncrease(prior.lastIdleCpuSeconds, o.idleCpuSeconds, false);
  return accumulate(prior, o, ctx, anomalies, dBusy, dIdle);
}

function accumulate(
  s: WorkspaceState,
  o: Usable,
  ctx: CycleContext,
  anomalies: Anomaly[],
  rawBusy: number,
  rawIdle: number
): WorkspaceState {
  // the counters' own span (scrape to scrape) when known: the cycle instants can be a scrape interval off it
  const sampledAt = o.scrapeSeconds ?? ctx.nowSeconds;
  const elapsed = Math.max(
    0,
    sampledAt - (o.scrapeSeconds !== undefined ? (s.lastSampleSeconds ?? s.lastSeenSeconds) : s.lastSeenSeconds)
  );
  const cpus = Math.max(o.cpus ?? 0, s.cpus);
  let dBusy = Math.max(0, rawBusy);
  let dIdle = Math.max(0, rawIdle);
  if (cpus > 0) {
    const c = clampCpuSeconds(dBusy, dIdle, cpus, elapsed);
    if (c.excess > LIMIT_NOISE_RATIO * cpus * elapsed) {
      note(
        anomalies,
        'over_limit',
        o,
        `${(dBusy + dIdle).toFixed(3)} cpu-s in ${elapsed.toFixed(3)} s on ${cpus} CPUs`
      );
    }
    dBusy = c.busy;
    dIdle = c.idle;
  }
  // memory: the mean of the two ends when both are known
  const mem =
    o.memoryActiveBytes !== undefined && s.lastMemoryActiveBytes !== undefined
      ? (o.memoryActiveBytes + s.lastMemoryActiveBytes) / 2
      : (o.memoryActiveBytes ?? s.lastMemoryActiveBytes);
  const profile = ctx.profileFor(o.labels.machine);
  const energy = intervalEnergy(profile, ctx.pue, {
    busyCpuSeconds: dBusy,
    idleCpuSeconds: dIdle,
    elapsedSeconds: elapsed,
    memoryActiveBytes: mem,
  });
  const busyGrams = gramsFor(energy.busyJoules, ctx.gramsPerKwh);
  const idleGrams = gramsFor(energy.idleJoules, ctx.gramsPerKwh);
  const power = meanWatts(energy, elapsed);
  return {
    ...s,
    ...o.labels,
    job: o.job,
    instance: o.instance,
    cpus: o.cpus ?? s.cpus,
    lastSeenSeconds: ctx.nowSeconds,
    lastSampleSeconds: o.scrapeSeconds !== undefined ? sampledAt : s.lastSampleSeconds,
    lastBusyCpuSeconds: o.busyCpuSeconds,
    lastIdleCpuSeconds: o.idleCpuSeconds,
    lastMemoryActiveBytes: o.memoryActiveBytes ?? s.lastMemoryActiveBytes,
    busyCpuSecondsTotal: s.busyCpuSecondsTotal + dBusy,
    idleCpuSecondsTotal: s.idleCpuSecondsTotal + dIdle,
    // busy cpu-seconds spread over the interval's vCPUs: at most elapsed, growing only with busy time
    runtimeSeconds: runtimeSecondsOf(s) + (cpus > 0 ? dBusy / cpus : 0),
    busyJoules: s.busyJoules + energy.busyJoules,
    idleJoules: s.idleJoules + energy.idleJoules,
    busyGrams: s.busyGrams + busyGrams,
    idleGrams: s.idleGrams + idleGrams,
    fallbackGrams: s.fallbackGrams + (ctx.intensityIsFallback ? busyGrams + idleGrams : 0),
    powerWatts: elapsed > 0 ? power.watts : s.powerWatts,
    idlePowerWatts: elapsed > 0 ? power.idleWatts : s.idlePowerWatts,
    idleRatio: dBusy + dIdle > 0 ? dIdle / (dBusy + dIdle) : s.idleRatio,
    status: 'active',
    partial: o.memoryActiveBytes === undefined && profile.memoryWatts === undefined,
  };
}
