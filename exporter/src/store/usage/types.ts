import type { DerivedStore } from './derived';
import type { HourResult, HourStatusRecord, Level, UsageFigures, UsageRow } from '../../history/types';

export type Granularity = 'hour' | 'day' | 'month' | 'year';
export const GRANULARITIES: readonly Granularity[] = ['hour', 'day', 'month', 'year'];

export interface UsageFilter {
  level: Level;
  key: string;
  /** [from, to) in unix seconds, on hour boundaries */
  fromSeconds: number;
  toSeconds: number;
}

export interface Bucket extends UsageFigures {
  /** start of the UTC hour, day, month or year */
  startSeconds: number;
}

export interface Contributor extends UsageFigures {
  name: string;
}

export interface MachineAverage {
  machine: string;
  /** distinct (host, UTC day) pairs with usage */
  workspaceDays: number;
  busyKwhPerWorkspaceDay: number;
  idleKwhPerWorkspaceDay: number;
  busyGramsPerWorkspaceDay: number;
  idleGramsPerWorkspaceDay: number;
  /** host-level rows (one per host, project and hour) */
  workspaceHours: number;
  perWorkspaceHour: Omit<UsageFigures, 'fallbackGrams' | 'runtimeSeconds'>;
}

/** Host-level sums of one machine type, as both stores aggregate them: days, hours (rows), cpu-s, joules, grams. */
export interface AverageSums {
  days: number;
  hours: number;
  bc: number;
  ic: number;
  bj: number;
  ij: number;
  bg: number;
  ig: number;
}

export const perHour = (r: AverageSums): Pick<MachineAverage, 'workspaceHours' | 'perWorkspaceHour'> => ({
  workspaceHours: r.hours,
  perWorkspaceHour: {
    busyCpuSeconds: r.bc / r.hours,
    idleCpuSeconds: r.ic / r.hours,
    busyJoules: r.bj / r.hours,
    idleJoules: r.ij / r.hours,
    busyGrams: r.bg / r.hours,
    idleGrams: r.ig / r.hours,
  },
});

/** What a prune removed. */
export interface PruneResult {
  /** hour rows (every level) and hour statuses */
  rows: number;
  statuses: number;
}

export class UsageStoreError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown
  ) {
    super(message);
    this.name = 'UsageStoreError';
  }
}

/**
 * Usage history: hourly rows per (level, key, project, machine) - the cells of the seed's EstimatedUsageDayEntry -
 * and the status of every estimated hour per scope ('*' = all projects, else one project). Day, month and year
 * totals are rollups of the same rows, so they cannot drift from the hours. Every method may reject with
 * UsageStoreError (store down); nothing already written is lost by that.
 */
export interface UsageStore {
  readonly kind: 'sqlite' | 'mongodb';
  /**
   * Per result, each hour atomically with its status: an estimated hour replaces every row earlier runs stored for
   * that hour and scope (so a re-run never double counts); a failed hour only records its status and never removes
   * an estimate. An interrupted batch leaves some hours unmarked, which the next run redoes.
   */
  writeHours(results: readonly HourResult[]): Promise<void>;
  hourStatuses(scopes: readonly string[], fromSeconds: number, toSeconds: number): Promise<HourStatusRecord[]>;
  /** totals per bucket (summed over projects and machines), buckets with rows only, ascending */
  buckets(filter: UsageFilter, granularity: Granularity): Promise<Bucket[]>;
  /** the rows of one key over a range (per hour, project and machine) */
  rows(filter: UsageFilter): Promise<UsageRow[]>;
  /** totals of the key split by project or machine */
  split(filter: UsageFilter, by: 'project' | 'machine'): Promise<Contributor[]>;
  /** totals per key of `level` over a range, optionally within one project */
  keys(level: Level, fromSeconds: number, toSeconds: number, project?: string): Promise<Contributor[]>;
  /** per machine type: averages per workspace-day and per workspace-hour, from the host-level rows */
  machineAverages(): Promise<MachineAverage[]>;
  /**
   * Removes the rows and hour statuses of every UTC day that ends at or before `beforeSeconds` (whole days only, so
   * the day rollups and the machine averages lose exactly those days).
   */
  prune(beforeSeconds: number): Promise<PruneResult>;
  /** the carbon slot cache and the stored machine averages, kept in the same store as the rows */
  readonly derived: DerivedStore;
  ping(): Promise<void>;
  close(): Promise<void>;
}
