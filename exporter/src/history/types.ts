/** Attribution levels of the usage history. `site` keys are configured site names (clf, isis, ...). */
export const LEVELS = ['site', 'project', 'experiment', 'machine', 'host', 'user'] as const;
export type Level = (typeof LEVELS)[number];

export const isLevel = (s: string): s is Level => (LEVELS as readonly string[]).includes(s);

/** Sums that add across hosts, hours and keys. */
export interface UsageFigures {
  busyCpuSeconds: number;
  idleCpuSeconds: number;
  busyJoules: number;
  idleJoules: number;
  busyGrams: number;
  idleGrams: number;
  /** part of busyGrams + idleGrams computed with the fallback intensity */
  fallbackGrams: number;
  /**
   * the seed's runtime: busy cpu-seconds / vCPUs per target-half-hour, summed; null where some hour was stored
   * before it was kept (its vCPUs are gone, so it cannot be recomputed); absent counts as unknown too
   */
  runtimeSeconds?: number | null;
}

export const zeroFigures = (): UsageFigures => ({
  busyCpuSeconds: 0,
  idleCpuSeconds: 0,
  busyJoules: 0,
  idleJoules: 0,
  busyGrams: 0,
  idleGrams: 0,
  fallbackGrams: 0,
  runtimeSeconds: 0,
});

export function addFigures(into: UsageFigures, x: UsageFigures): UsageFigures {
  into.busyCpuSeconds += x.busyCpuSeconds;
  into.idleCpuSeconds += x.idleCpuSeconds;
  into.busyJoules += x.busyJoules;
  into.idleJoules += x.idleJoules;
  into.busyGrams += x.busyGrams;
  into.idleGrams += x.idleGrams;
  into.fallbackGrams += x.fallbackGrams;
  into.runtimeSeconds =
    into.runtimeSeconds != null && x.runtimeSeconds != null ? into.runtimeSeconds + x.runtimeSeconds : null;
  return into;
}

/** One hour of one (level, key) within one project and machine type: the cells of an EstimatedUsageDayEntry. */
export interface UsageRow extends UsageFigures {
  level: Level;
  key: string;
  project: string;
  machine: string;
  hourStartSeconds: number;
}

/**
 * ok: estimated with real intensity; fallback: estimated, some grams from the fallback intensity; failed: no data;
 * machine_averages: Prometheus failed, filled from the machine types' averages per workspace-hour (retried like failed).
 */
export type HourStatus = 'ok' | 'fallback' | 'failed' | 'machine_averages';

/** What a run learned about one hour, for one scope ('*' = every project, else one cloud_project_name). */
export interface HourResult {
  scope: string;
  hourStartSeconds: number;
  status: HourStatus;
  error?: string;
  /** all-modes cpu-seconds / (cpus x seconds) over regular half-hours; null when no host was seen */
  sumCheckRatio: number | null;
  rows: UsageRow[];
}

export interface HourStatusRecord {
  scope: string;
  hourStartSeconds: number;
  status: HourStatus;
  error?: string;
  sumCheckRatio: number | null;
  estimatedAtSeconds: number;
}

export const HOUR_SECONDS = 3600;
export const HALF_HOUR_SECONDS = 1800;
/** all modes within this of cpus x seconds passes the sum-check */
export const SUM_CHECK_TOLERANCE_RATIO = 0.02;
