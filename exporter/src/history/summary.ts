// The backfill run's summary: what it estimated, skipped and failed, and the energy and carbon it stored.
import { joulesToKwh } from '../model/units';
import { SUM_CHECK_TOLERANCE_RATIO, type HourResult } from './types';

export interface BackfillSummary {
  scope: string;
  hoursInRange: number;
  /** already estimated earlier, not asked again */
  hoursSkipped: number;
  hoursEstimated: number;
  hoursFailed: number;
  hoursFallback: number;
  /** hours whose all-modes cpu-seconds were off cpus x 3,600 s by more than the tolerance */
  hoursSumCheckOff: number;
  /** estimated hours with no node_exporter CPU samples in scope (zero use seen) */
  hoursWithoutSamples: number;
  busyKwh: number;
  idleKwh: number;
  busyGrams: number;
  idleGrams: number;
  prometheusRequests: number;
  /** the longest chunk of the run, in hours (history.hoursPerQuery, shortened by history.targetHoursInFlight) */
  hoursPerChunk: number;
  /** host sets each chunk was read in, one after another (more than one when its targets exceed the budget) */
  hostSetsPerChunk: number;
  /** hours read from the node-cpu recording rules' series instead of the raw counters */
  hoursFromRecordingRules: number;
  /** stored samples the raw path decoded from remote read (0 when range queries read the counters) */
  samplesFromRemoteRead: number;
  /** why remote read was not used for the rest of the run, when it was turned off (history.remoteRead) */
  remoteReadOff: string | null;
  /** failed hours stored as `machine_averages` estimates (history.fillFromAverages), within hoursFailed */
  hoursFromMachineAverages: number;
  /** raw recounts: counter drops within one boot that re-baselined, and target-half-hours clamped to CPUs x 1,800 s */
  counterDrops: number;
  halfHoursClamped: number;
  carbonRequests: number;
  durationSeconds: number;
  errors: string[];
}

export const emptySummary = (scope: string, hoursInRange: number): BackfillSummary => ({
  scope,
  hoursInRange,
  hoursSkipped: 0,
  hoursEstimated: 0,
  hoursPerChunk: 0,
  hostSetsPerChunk: 0,
  hoursFailed: 0,
  hoursFallback: 0,
  hoursSumCheckOff: 0,
  hoursWithoutSamples: 0,
  busyKwh: 0,
  idleKwh: 0,
  busyGrams: 0,
  idleGrams: 0,
  prometheusRequests: 0,
  hoursFromRecordingRules: 0,
  hoursFromMachineAverages: 0,
  samplesFromRemoteRead: 0,
  remoteReadOff: null,
  counterDrops: 0,
  halfHoursClamped: 0,
  carbonRequests: 0,
  durationSeconds: 0,
  errors: [],
});

/** Adds one chunk's stored hours to the summary. */
export function tallyHours(sum: BackfillSummary, results: readonly HourResult[]): void {
  for (const r of results) {
    if (r.status === 'failed' || r.status === 'machine_averages') {
      sum.hoursFailed++;
      if (r.status === 'machine_averages') sum.hoursFromMachineAverages++;
      if (r.error && sum.errors.length < 10 && !sum.errors.includes(r.error)) sum.errors.push(r.error);
      continue;
    }
    sum.hoursEstimated++;
    if (r.status === 'fallback') sum.hoursFallback++;
    if (r.sumCheckRatio === null) sum.hoursWithoutSamples++;
    else if (Math.abs(r.sumCheckRatio - 1) > SUM_CHECK_TOLERANCE_RATIO) sum.hoursSumCheckOff++;
    for (const row of r.rows) {
      if (row.level !== 'project') continue; // every level adds up to the same totals; one is enough
      sum.busyKwh += joulesToKwh(row.busyJoules);
      sum.idleKwh += joulesToKwh(row.idleJoules);
      sum.busyGrams += row.busyGrams;
      sum.idleGrams += row.idleGrams;
    }
  }
}
