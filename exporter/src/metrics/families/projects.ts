import type { TrackingSnapshot } from '../../tracking/snapshot';
import type { ProjectTotals } from '../../tracking/retired';
import { runtimeSecondsOf, type WorkspaceState } from '../../tracking/types';
import { familiesOf, type Family, type Sample } from '../table';
import { WORKSPACE_FAMILIES } from './workspace';

const family = familiesOf<TrackingSnapshot>();

type ProjectLabel = 'site' | 'project';
type Totals = Omit<ProjectTotals, ProjectLabel>;
const TOTALS: ReadonlyArray<keyof Totals> = ['busyJoules', 'idleJoules', 'busyGrams', 'idleGrams', 'runtimeSeconds'];

/** Per site and project, in first-seen order: the open workspaces' totals plus the closed ones' (never going down). */
function projectTotals(s: TrackingSnapshot): Array<ProjectTotals> {
  const out = new Map<string, ProjectTotals>();
  const add = (t: Pick<ProjectTotals, ProjectLabel> & Totals): void => {
    const k = `${t.site}\u0000${t.project}`;
    const seen = out.get(k);
    if (!seen)
      out.set(k, {
        site: t.site,
        project: t.project,
        ...Object.fromEntries(TOTALS.map((n) => [n, t[n]])),
      } as ProjectTotals);
    else for (const n of TOTALS) seen[n] += t[n];
  };
  for (const w of s.workspaces) add({ ...w, runtimeSeconds: runtimeSecondsOf(w) });
  for (const r of s.retired ?? []) add(r);
  return [...out.values()];
}

/** Sums a gauge over the open workspaces of each site and project. */
function projectSums(s: TrackingSnapshot, value: (w: WorkspaceState) => number): Array<Sample<ProjectLabel>> {
  const out = new Map<string, [Record<ProjectLabel, string>, number]>();
  for (const w of s.workspaces) {
    const k = `${w.site}\u0000${w.project}`;
    const seen = out.get(k);
    if (seen) seen[1] += value(w);
    else out.set(k, [{ site: w.site, project: w.project }, value(w)]);
  }
  return [...out.values()];
}

const byState = (name: string, help: string, busy: keyof Totals, idle: keyof Totals) =>
  family({
    name,
    help,
    type: 'counter',
    labels: ['site', 'project', 'state'],
    samples: (s) =>
      projectTotals(s).flatMap((t) => [
        [{ site: t.site, project: t.project, state: 'busy' }, Math.max(0, t[busy])] as const,
        [{ site: t.site, project: t.project, state: 'idle' }, Math.max(0, t[idle])] as const,
      ]),
  });

const summed = (name: string, help: string, value: (w: WorkspaceState) => number) =>
  family({ name, help, type: 'gauge', labels: ['site', 'project'], samples: (s) => projectSums(s, value) });

/**
 * The per-project rollups that stand for the per-workspace families when `metrics.perWorkspace` is off: the same
 * names, one series per site and project (and state), so that `sum by (site, project)` reads the same in both modes.
 * Ratios and boot times do not add up over workspaces and are left out.
 */
export const PROJECT_FAMILIES: readonly Family<TrackingSnapshot>[] = [
  byState(
    'ada_carbon_workspace_energy_joules_total',
    'Estimated energy of the workspaces of the project, in joules, by CPU state (busy or idle), since each started; the workspaces closed since the exporter started stay counted; PUE included. Computed each tracking cycle.',
    'busyJoules',
    'idleJoules'
  ),
  byState(
    'ada_carbon_workspace_emissions_grams_total',
    'Estimated emissions of the workspaces of the project, in grams of CO2e, by CPU state (busy or idle), since each started; the workspaces closed since the exporter started stay counted.',
    'busyGrams',
    'idleGrams'
  ),
  family({
    name: 'ada_carbon_workspace_runtime_seconds_total',
    help: 'Runtime of the workspaces of the project, in seconds (busy CPU seconds divided by vCPUs, per workspace), summed; the workspaces closed since the exporter started stay counted.',
    type: 'counter',
    labels: ['site', 'project'],
    samples: (s) =>
      projectTotals(s).map((t) => [{ site: t.site, project: t.project }, Math.max(0, t.runtimeSeconds)] as const),
  }),
  summed(
    'ada_carbon_workspace_power_watts',
    'Estimated mean power of the open workspaces of the project over the last tracking interval, in watts, summed; PUE included.',
    (w) => w.powerWatts
  ),
  summed(
    'ada_carbon_workspace_idle_power_watts',
    'The idle part of ada_carbon_workspace_power_watts, in watts: power drawn while the CPUs were idle, summed over the project.',
    (w) => w.idlePowerWatts
  ),
  summed('ada_carbon_workspace_cpus', 'Number of vCPUs of the open workspaces of the project.', (w) => w.cpus),
  // the per-site counts are rollups already
  ...WORKSPACE_FAMILIES.filter((f) => !f.labels.includes('host')),
];
