/**
 * The per-user mode's model: rows of GET /api/v1/workspaces (read through the Infinity datasource, which carries the
 * proxy token and the signed-in user, so the exporter answers with that user's workspaces only) -> the same
 * workspace views and totals the Prometheus mode builds. Pure: no clock, no I/O.
 */
import { DataFrame, Field } from '@grafana/data';

import { UNKNOWN_LABEL } from './metrics';
import { computeTotals, SiteModel, WorkspaceView } from './viewModel';

const JOULES_PER_KWH = 3.6e6;

/** The REST fields read; a column must be named as the field (Infinity names it by its `text`, default the selector). */
export const WORKSPACE_REST_FIELDS = [
  'site',
  'project',
  'machine_name',
  'host',
  'user',
  'started_at',
  'cpus',
  'power_watts',
  'idle_power_watts',
  'idle_ratio',
  'busy_kwh',
  'idle_kwh',
  'busy_gCo2eq',
  'idle_gCo2eq',
] as const;

/** Whether a frame holds workspace rows: it has a host and a machine_name column. */
export function isWorkspaceRowsFrame(frame: DataFrame): boolean {
  const names = new Set(frame.fields.map((f) => f.name));
  return names.has('host') && names.has('machine_name');
}

function finiteOrNull(raw: unknown): number | null {
  const n = typeof raw === 'number' ? raw : raw === null || raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** A timestamp column holds epoch ms; a text one, the route's ISO date-time. */
function secondsOf(raw: unknown): number | null {
  if (typeof raw === 'number') {
    return Number.isFinite(raw) ? raw / 1000 : null;
  }
  if (typeof raw === 'string' && raw !== '') {
    const ms = Date.parse(raw);
    return Number.isNaN(ms) ? null : ms / 1000;
  }
  return null;
}

function textOf(raw: unknown): string {
  return typeof raw === 'string' && raw !== '' ? raw : UNKNOWN_LABEL;
}

export function buildUserModel(frames: readonly DataFrame[]): SiteModel {
  const workspaces: WorkspaceView[] = [];
  let invalidValues = 0;
  let unrecognisedSeries = 0;
  const seen = new Set<string>();
  let duplicateSeries = 0;
  for (const frame of frames) {
    if (!isWorkspaceRowsFrame(frame)) {
      unrecognisedSeries++;
      continue;
    }
    const byName = new Map<string, Field>(frame.fields.map((f) => [f.name, f]));
    const at = (name: string, i: number): unknown => byName.get(name)?.values[i];
    const num = (name: string, i: number, scale = 1): number | null => {
      if (!byName.has(name)) {
        return null;
      }
      const v = finiteOrNull(at(name, i));
      // idle_ratio is null by contract before a workspace has two samples; anything else missing is bad data
      if (v === null && !(name === 'idle_ratio' && at(name, i) === null)) {
        invalidValues++;
      }
      return v === null ? null : v * scale;
    };
    for (let i = 0; i < frame.length; i++) {
      const view: WorkspaceView = {
        key: '',
        site: textOf(at('site', i)),
        project: textOf(at('project', i)),
        machine: textOf(at('machine_name', i)),
        host: textOf(at('host', i)),
        user: textOf(at('user', i)),
        cpus: num('cpus', i),
        powerWatts: num('power_watts', i),
        idlePowerWatts: num('idle_power_watts', i),
        idleRatio: num('idle_ratio', i),
        startedTimestampSeconds: secondsOf(at('started_at', i)),
        busyJoules: num('busy_kwh', i, JOULES_PER_KWH),
        idleJoules: num('idle_kwh', i, JOULES_PER_KWH),
        busyGrams: num('busy_gCo2eq', i),
        idleGrams: num('idle_gCo2eq', i),
      };
      // the same separator as the Prometheus mode's keys
      view.key = [view.site, view.project, view.machine, view.host, view.user].join('\u001f');
      if (seen.has(view.key)) {
        duplicateSeries++;
        continue;
      }
      seen.add(view.key);
      workspaces.push(view);
    }
  }
  return {
    workspaces,
    totals: computeTotals(workspaces),
    diagnostics: { duplicateSeries, unrecognisedSeries, invalidValues, seriesWithoutState: 0 },
  };
}
