/** Attribution labels of a workspace; every value is a non-empty string ("unknown" when the source had none). */
export interface WorkspaceLabels {
  site: string;
  project: string;
  machine: string;
  host: string;
  user: string;
  experiment: string;
}

/** What one tracking cycle saw of one node_exporter target at the cycle's instant. */
export interface TargetObservation {
  job: string;
  instance: string;
  labels: WorkspaceLabels;
  up: boolean;
  bootTimeSeconds?: number;
  cpus?: number;
  /** counters summed over CPUs, in cpu-seconds since boot */
  busyCpuSeconds?: number;
  idleCpuSeconds?: number;
  memoryActiveBytes?: number;
  /** when Prometheus scraped the counters (unix seconds): the span between two readings bounds their increase */
  scrapeSeconds?: number;
}

/**
 * What tracking noticed and worked around. counter_drop: a summed counter went down within one boot;
 * cpu_set_change: the CPU count changed within one boot; over_limit: counters claimed more than CPUs x elapsed;
 * duplicate_series: one target had several boot or up series; duplicate_target: one VM (host) was seen as several
 * targets (another job or instance).
 */
export const ANOMALY_KINDS = [
  'counter_drop',
  'cpu_set_change',
  'over_limit',
  'duplicate_series',
  'duplicate_target',
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export interface Anomaly {
  kind: AnomalyKind;
  /** the VM it concerns (workspace host label) */
  host: string;
  job: string;
  instance: string;
  detail: string;
}

export type WorkspaceStatus = 'active' | 'missing' | 'closed';

/** Everything tracking keeps per workspace; persisted in the store so a restart continues where it stopped. */
export interface WorkspaceState extends WorkspaceLabels {
  /** `${host}|${bootTimeSeconds}`: one workspace per VM and boot (a reboot starts a new one) */
  id: string;
  job: string;
  instance: string;
  startedAtSeconds: number;
  cpus: number;
  firstSeenSeconds: number;
  lastSeenSeconds: number;
  /** scrape time of the last counters read (absent in states saved before it was kept) */
  lastSampleSeconds?: number;
  lastBusyCpuSeconds: number;
  lastIdleCpuSeconds: number;
  lastMemoryActiveBytes?: number;
  busyCpuSecondsTotal: number;
  idleCpuSecondsTotal: number;
  /**
   * seconds of busy share (busy cpu-seconds / vCPUs of each interval), the seed's runtime; absent in states saved
   * before it was kept (see runtimeSecondsOf)
   */
  runtimeSeconds?: number;
  busyJoules: number;
  idleJoules: number;
  busyGrams: number;
  idleGrams: number;
  /** part of busyGrams + idleGrams computed with the fallback intensity (not real grid data) */
  fallbackGrams: number;
  powerWatts: number;
  idlePowerWatts: number;
  /** null until two observations give a rate */
  idleRatio: number | null;
  status: WorkspaceStatus;
  /** set when the last observation lacked some inputs (memory, counters); the numbers then understate */
  partial: boolean;
  closedAtSeconds?: number;
}

/** A state's runtime seconds; one saved before they were kept starts from its busy cpu-seconds over its vCPUs. */
export const runtimeSecondsOf = (s: WorkspaceState): number =>
  s.runtimeSeconds ?? (s.cpus > 0 ? s.busyCpuSecondsTotal / s.cpus : 0);
