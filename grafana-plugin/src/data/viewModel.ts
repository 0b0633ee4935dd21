/** Samples -> one view per workspace plus site totals. Pure: no clock, no I/O. */
import { DataFrame } from '@grafana/data';

import { ExtractResult, extractSamples, Sample } from './frames';
import { MetricKey, UNKNOWN_LABEL, WORKSPACE_LABELS, WorkspaceLabel } from './metrics';

export interface WorkspaceView {
  /** Stable identity: the contract's workspace labels. */
  key: string;
  site: string;
  project: string;
  machine: string;
  host: string;
  user: string;
  cpus: number | null;
  powerWatts: number | null;
  idlePowerWatts: number | null;
  idleRatio: number | null;
  startedTimestampSeconds: number | null;
  busyJoules: number | null;
  idleJoules: number | null;
  busyGrams: number | null;
  idleGrams: number | null;
}

export interface SiteTotals {
  workspaceCount: number;
  powerWatts: number;
  idlePowerWatts: number;
  busyJoules: number;
  idleJoules: number;
  busyGrams: number;
  idleGrams: number;
  /** Idle energy / all energy since the workspaces started; null when no energy is known. */
  idleShareRatio: number | null;
}

export interface ModelDiagnostics {
  /** Series seen more than once for the same workspace (e.g. two exporter replicas); the larger value is kept. */
  duplicateSeries: number;
  unrecognisedSeries: number;
  /** Values that were null, NaN or infinite. */
  invalidValues: number;
  /** busy/idle metrics without a usable `state` label; they cannot be split and are left out. */
  seriesWithoutState: number;
}

export interface SiteModel {
  workspaces: WorkspaceView[];
  totals: SiteTotals;
  diagnostics: ModelDiagnostics;
}

type Identity = Record<WorkspaceLabel, string>;

function labelValue(labels: Record<string, string>, name: WorkspaceLabel): string {
  const v = labels[name];
  if (v === undefined) {
    return UNKNOWN_LABEL;
  }
  const t = v.trim();
  return t ? t : UNKNOWN_LABEL;
}

function keyOf(labels: Record<string, string>): string {
  // The unit separator does not occur in label values, so the key is unambiguous with spaces or parentheses.
  let key = labelValue(labels, WORKSPACE_LABELS[0]);
  for (let i = 1; i < WORKSPACE_LABELS.length; i++) {
    key += '\u001f' + labelValue(labels, WORKSPACE_LABELS[i]!);
  }
  return key;
}

function identityOf(labels: Record<string, string>): Identity {
  const id = {} as Identity;
  for (const name of WORKSPACE_LABELS) {
    id[name] = labelValue(labels, name);
  }
  return id;
}

type Slot = Exclude<keyof WorkspaceView, 'key' | WorkspaceLabel>;

const SLOT_BITS: Record<Slot, number> = {
  cpus: 1,
  powerWatts: 2,
  idlePowerWatts: 4,
  idleRatio: 8,
  startedTimestampSeconds: 16,
  busyJoules: 32,
  idleJoules: 64,
  busyGrams: 128,
  idleGrams: 256,
};

function slotFor(metric: MetricKey, state: string | undefined): Slot | undefined {
  switch (metric) {
    case 'energyJoules':
      return state === 'busy' ? 'busyJoules' : state === 'idle' ? 'idleJoules' : undefined;
    case 'emissionsGrams':
      return state === 'busy' ? 'busyGrams' : state === 'idle' ? 'idleGrams' : undefined;
    default:
      return metric;
  }
}

function emptyView(id: Identity, key: string): WorkspaceView {
  return {
    key,
    ...id,
    cpus: null,
    powerWatts: null,
    idlePowerWatts: null,
    idleRatio: null,
    startedTimestampSeconds: null,
    busyJoules: null,
    idleJoules: null,
    busyGrams: null,
    idleGrams: null,
  };
}

export function buildWorkspaces(samples: readonly Sample[]): {
  workspaces: WorkspaceView[];
  diagnostics: ModelDiagnostics;
} {
  // Per workspace: its view and a bit per slot already filled, to spot duplicate series without string keys.
  const byKey = new Map<string, { view: WorkspaceView; filled: number }>();
  const diagnostics: ModelDiagnostics = {
    duplicateSeries: 0,
    unrecognisedSeries: 0,
    invalidValues: 0,
    seriesWithoutState: 0,
  };

  for (const sample of samples) {
    const slot = slotFor(sample.metric, sample.labels['state']);
    if (!slot) {
      diagnostics.seriesWithoutState++;
      continue;
    }
    const key = keyOf(sample.labels);
    let entry = byKey.get(key);
    if (!entry) {
      entry = { view: emptyView(identityOf(sample.labels), key), filled: 0 };
      byKey.set(key, entry);
    }
    if (sample.value === null) {
      diagnostics.invalidValues++;
    }
    const bit = SLOT_BITS[slot];
    const view = entry.view;
    if (entry.filled & bit) {
      diagnostics.duplicateSeries++;
      // Replicas report the same workspace; counters only grow, so the larger value is the fresher one.
      const current = view[slot];
      if (sample.value !== null && (current === null || sample.value > current)) {
        view[slot] = sample.value;
      }
      continue;
    }
    entry.filled |= bit;
    view[slot] = sample.value;
  }
  return { workspaces: [...byKey.values()].map((e) => e.view), diagnostics };
}

const sum = (values: Array<number | null>): number => values.reduce<number>((acc, v) => acc + (v ?? 0), 0);

export function computeTotals(workspaces: readonly WorkspaceView[]): SiteTotals {
  const busyJoules = sum(workspaces.map((w) => w.busyJoules));
  const idleJoules = sum(workspaces.map((w) => w.idleJoules));
  const allJoules = busyJoules + idleJoules;
  return {
    workspaceCount: workspaces.length,
    powerWatts: sum(workspaces.map((w) => w.powerWatts)),
    idlePowerWatts: sum(workspaces.map((w) => w.idlePowerWatts)),
    busyJoules,
    idleJoules,
    busyGrams: sum(workspaces.map((w) => w.busyGrams)),
    idleGrams: sum(workspaces.map((w) => w.idleGrams)),
    idleShareRatio: allJoules > 0 ? idleJoules / allJoules : null,
  };
}

export function buildSiteModel(frames: readonly DataFrame[]): SiteModel {
  return buildSiteModelFromSamples(extractSamples(frames));
}

/** The same from samples already extracted, so the panel reads its frames once for this and the forecast model. */
export function buildSiteModelFromSamples({ samples, unrecognisedSeries }: ExtractResult): SiteModel {
  const { workspaces, diagnostics } = buildWorkspaces(samples);
  diagnostics.unrecognisedSeries = unrecognisedSeries;
  return { workspaces, totals: computeTotals(workspaces), diagnostics };
}

export function totalGrams(w: Pick<WorkspaceView, 'busyGrams' | 'idleGrams'>): number | null {
  return w.busyGrams === null && w.idleGrams === null ? null : (w.busyGrams ?? 0) + (w.idleGrams ?? 0);
}

export function uptimeSeconds(w: Pick<WorkspaceView, 'startedTimestampSeconds'>, nowMs: number): number | null {
  return w.startedTimestampSeconds === null ? null : Math.max(0, nowMs / 1000 - w.startedTimestampSeconds);
}
