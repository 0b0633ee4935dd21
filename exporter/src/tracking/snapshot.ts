import type { Area, IntensityReading } from '../sources/carbon';
import { ANOMALY_KINDS, type AnomalyKind, type WorkspaceState } from './types';
import type { ProjectTotals } from './retired';

export const SOURCES = ['prometheus', 'carbon_intensity', 'store'] as const;
export type SourceName = (typeof SOURCES)[number];

export interface SourceStatus {
  up: boolean;
  /** unix seconds of the last success; undefined until one */
  lastSuccessSeconds?: number;
  lastDurationSeconds?: number;
  lastError?: string;
}

export interface CycleStats {
  atSeconds: number;
  ok: boolean;
  durationSeconds: number;
  /** PromQL queries the cycle issued (the client is shared with history, so its request count cannot tell) */
  queries: number;
  error?: string;
}

/** What a tracking cycle leaves for readers (metrics, REST). Immutable: collectors only read it. */
export interface TrackingSnapshot {
  /** increases with every cycle, so readers can skip work when nothing changed */
  version: number;
  /** the instant of the last successful cycle (unix seconds), undefined before the first */
  generatedAtSeconds?: number;
  workspaces: readonly WorkspaceState[];
  /** what the workspaces closed since start had reached, per site and project (for per-project counters) */
  retired?: readonly ProjectTotals[];
  intensity: Partial<Record<Area, IntensityReading>>;
  sources: Readonly<Record<SourceName, SourceStatus>>;
  /** the ownership records' source, when one is configured (it never makes the exporter unready) */
  ownership?: SourceStatus;
  lastCycle?: CycleStats;
  /** anomalies worked around since the process started, by kind */
  anomalies: Readonly<Record<AnomalyKind, number>>;
}

export const emptySnapshot = (): TrackingSnapshot => ({
  version: 0,
  workspaces: [],
  intensity: {},
  sources: {
    prometheus: { up: false },
    carbon_intensity: { up: false },
    store: { up: false },
  },
  anomalies: Object.fromEntries(ANOMALY_KINDS.map((k) => [k, 0])) as Record<AnomalyKind, number>,
});
