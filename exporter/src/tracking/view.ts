// The public view of one tracked workspace, shared by the REST API and the CLI's `track` output.
import { joulesToKwh } from '../model/units';
import { runtimeSecondsOf, type WorkspaceLabels, type WorkspaceState } from './types';

const iso = (s: number): string => new Date(s * 1000).toISOString();

export interface WorkspaceView extends WorkspaceLabels {
  /** the seed's name for `machine` (which stays, deprecated, for one minor version) */
  machine_name: string;
  instance: string;
  status: 'active' | 'missing';
  started_at: string;
  last_seen_at: string;
  cpus: number;
  /** spelled as in the seed's day entries; busy_cpu_seconds and idle_cpu_seconds are their deprecated aliases */
  busy_cpu_seconds_total: number;
  idle_cpu_seconds_total: number;
  busy_cpu_seconds: number;
  idle_cpu_seconds: number;
  /** busy cpu-seconds / vCPUs: grows only with the busy share */
  runtime_seconds: number;
  busy_kwh: number;
  idle_kwh: number;
  busy_gCo2eq: number;
  idle_gCo2eq: number;
  /** part of the gCO2e computed with the fallback intensity */
  fallback_gCo2eq: number;
  power_watts: number;
  idle_power_watts: number;
  idle_ratio: number | null;
  partial: boolean;
}

export function workspaceView(w: WorkspaceState): WorkspaceView {
  return {
    site: w.site,
    project: w.project,
    machine: w.machine,
    machine_name: w.machine,
    host: w.host,
    user: w.user,
    experiment: w.experiment,
    instance: w.instance,
    status: w.status === 'missing' ? 'missing' : 'active',
    started_at: iso(w.startedAtSeconds),
    last_seen_at: iso(w.lastSeenSeconds),
    cpus: w.cpus,
    busy_cpu_seconds_total: w.busyCpuSecondsTotal,
    idle_cpu_seconds_total: w.idleCpuSecondsTotal,
    busy_cpu_seconds: w.busyCpuSecondsTotal,
    idle_cpu_seconds: w.idleCpuSecondsTotal,
    runtime_seconds: runtimeSecondsOf(w),
    busy_kwh: joulesToKwh(w.busyJoules),
    idle_kwh: joulesToKwh(w.idleJoules),
    busy_gCo2eq: w.busyGrams,
    idle_gCo2eq: w.idleGrams,
    fallback_gCo2eq: w.fallbackGrams,
    power_watts: w.powerWatts,
    idle_power_watts: w.idlePowerWatts,
    idle_ratio: w.idleRatio,
    partial: w.partial,
  };
}
