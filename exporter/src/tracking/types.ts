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
}

export type WorkspaceStatus = 'active' | 'missing' | 'closed';

/** Everything tracking keeps per workspace; persisted in the store so a restart continues where it stopped. */
export interface WorkspaceState extends WorkspaceLabels {
  /** `${job}|${instance}|${bootTimeSeconds}`: a reboot starts a new workspace */
  id: string;
  job: string;
  instance: string;
  startedAtSeconds: number;
  cpus: number;
  firstSeenSeconds: number;
  lastSeenSeconds: number;
  lastBusyCpuSeconds: number;
  lastIdleCpuSeconds: number;
  lastMemoryActiveBytes?: number;
  busyCpuSecondsTotal: number;
  idleCpuSecondsTotal: number;
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
