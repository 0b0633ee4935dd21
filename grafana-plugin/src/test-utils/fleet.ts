/**
 * Deterministic fleets of workspaces and their exporter series; no Grafana dependency so node scripts can use it.
 * Every test shares FIXED_NOW_MS so times and uptimes are reproducible.
 */
import { PromSeries } from './exposition';

export const FIXED_NOW_MS = Date.UTC(2026, 10, 28, 12, 0, 0);
const JOULES_PER_KWH = 3.6e6;

export interface WorkspaceFixture {
  site: string;
  project: string;
  machine: string;
  host: string;
  user: string;
  cpus: number;
  idleRatio: number;
  startedTimestampSeconds: number;
  powerWatts: number;
  idlePowerWatts: number;
  busyJoules: number;
  idleJoules: number;
  busyGrams: number;
  idleGrams: number;
}

const MACHINES: ReadonlyArray<{ machine: string; cpus: number }> = [
  { machine: 'Muon', cpus: 4 },
  { machine: 'SANS', cpus: 4 },
  { machine: 'Artemis (Matlab)', cpus: 8 },
  { machine: 'Tomography (GPU)', cpus: 16 },
  { machine: 'Excitations', cpus: 8 },
];
const USERS = ['abc12345', 'jsmith', 'r.patel', 'wkowalski', 'lchen', 'mgarcia', 'unknown'];
const SITES: Record<string, string> = { clf: 'CDAaaS', isis: 'IDAaaS', diamond: 'DDAaaS' };

/**
 * One workspace with self-consistent numbers: the Ada averages (12 W busy, 1 W idle per vCPU), a steady idle ratio
 * over its whole uptime, and a fixed 150 gCO2/kWh. Small deterministic variation by index.
 */
export function workspaceFixture(
  index: number,
  site = 'isis',
  overrides: Partial<WorkspaceFixture> = {}
): WorkspaceFixture {
  const kind = MACHINES[index % MACHINES.length]!;
  const idleRatio = [0.97, 0.35, 0.62, 0.88, 0.1, 0.75, 0.5][index % 7]!;
  const uptimeSeconds = 3600 * (2 + ((index * 37) % 200));
  const busyWatts = 12 * kind.cpus * (1 - idleRatio);
  const idlePowerWatts = 1 * kind.cpus * idleRatio;
  const busyJoules = busyWatts * uptimeSeconds;
  const idleJoules = idlePowerWatts * uptimeSeconds;
  const gramsPerJoule = 150 / JOULES_PER_KWH;
  const base: WorkspaceFixture = {
    site,
    project: SITES[site] ?? 'unknown',
    machine: kind.machine,
    host: `172.16.${100 + Math.floor(index / 250)}.${(index % 250) + 2}`,
    user: USERS[index % USERS.length]!,
    cpus: kind.cpus,
    idleRatio,
    startedTimestampSeconds: FIXED_NOW_MS / 1000 - uptimeSeconds,
    powerWatts: busyWatts + idlePowerWatts,
    idlePowerWatts,
    busyJoules,
    idleJoules,
    busyGrams: busyJoules * gramsPerJoule,
    idleGrams: idleJoules * gramsPerJoule,
  };
  return { ...base, ...overrides };
}

export function fleet(count: number, site = 'isis'): WorkspaceFixture[] {
  return Array.from({ length: count }, (_, i) => workspaceFixture(i, site));
}

/** The exporter's series for a fleet, with the instance/job labels Prometheus adds when it scrapes the exporter. */
export function fleetSeries(workspaces: readonly WorkspaceFixture[]): PromSeries[] {
  const scrape = { instance: 'ada-carbon-exporter:9464', job: 'ada-carbon' };
  return workspaces.flatMap((w) => {
    const labels = { site: w.site, project: w.project, machine: w.machine, host: w.host, user: w.user };
    const gauge = (name: string, value: number): PromSeries => ({ name, labels: { ...labels, ...scrape }, value });
    const split = (name: string, busy: number, idle: number): PromSeries[] => [
      { name, labels: { ...labels, state: 'busy', ...scrape }, value: busy },
      { name, labels: { ...labels, state: 'idle', ...scrape }, value: idle },
    ];
    return [
      gauge('ada_carbon_workspace_power_watts', w.powerWatts),
      gauge('ada_carbon_workspace_idle_power_watts', w.idlePowerWatts),
      gauge('ada_carbon_workspace_idle_ratio', w.idleRatio),
      gauge('ada_carbon_workspace_cpus', w.cpus),
      gauge('ada_carbon_workspace_started_timestamp_seconds', w.startedTimestampSeconds),
      ...split('ada_carbon_workspace_energy_joules_total', w.busyJoules, w.idleJoules),
      ...split('ada_carbon_workspace_emissions_grams_total', w.busyGrams, w.idleGrams),
    ];
  });
}
