import type { TrackingSnapshot } from '../../tracking/snapshot';
import { runtimeSecondsOf, type WorkspaceState } from '../../tracking/types';
import { familiesOf, sumBy, withoutLabel, type Family, type Sample } from '../table';

const family = familiesOf<TrackingSnapshot>();

const WORKSPACE_LABELS = ['site', 'project', 'machine', 'host', 'user'] as const;
type WorkspaceLabel = (typeof WORKSPACE_LABELS)[number];

const workspaceLabels = (w: WorkspaceState): Record<WorkspaceLabel, string> => ({
  site: w.site,
  project: w.project,
  machine: w.machine,
  host: w.host,
  user: w.user,
});

/** A gauge with one series per open workspace. */
const perWorkspace = (name: string, help: string, value: (w: WorkspaceState) => number | null | undefined) =>
  family({
    name,
    help,
    type: 'gauge',
    labels: WORKSPACE_LABELS,
    samples: function* (s): Iterable<Sample<WorkspaceLabel>> {
      for (const w of s.workspaces) yield [workspaceLabels(w), value(w)];
    },
  });

/**
 * A counter with busy and idle series per open workspace. The values are the workspace's running totals, which only
 * grow while it lives (a new workspace, e.g. after a reboot, starts its own series).
 */
const perWorkspaceState = (
  name: string,
  help: string,
  busy: (w: WorkspaceState) => number,
  idle: (w: WorkspaceState) => number
) =>
  family({
    name,
    help,
    type: 'counter',
    labels: [...WORKSPACE_LABELS, 'state'],
    // lazily, one workspace at a time: the renderer yields between series, so nothing is built for all at once
    samples: function* (s): Iterable<Sample<WorkspaceLabel | 'state'>> {
      for (const w of s.workspaces) {
        yield [{ ...workspaceLabels(w), state: 'busy' }, Math.max(0, busy(w))];
        yield [{ ...workspaceLabels(w), state: 'idle' }, Math.max(0, idle(w))];
      }
    },
  });

/** The families of the open workspaces, in exposition order. */
export const WORKSPACE_FAMILIES: readonly Family<TrackingSnapshot>[] = [
  perWorkspaceState(
    'ada_carbon_workspace_energy_joules_total',
    'Estimated energy of the workspace since it started, in joules, by CPU state (busy or idle); PUE included. Computed each tracking cycle.',
    (w) => w.busyJoules,
    (w) => w.idleJoules
  ),
  perWorkspaceState(
    'ada_carbon_workspace_emissions_grams_total',
    'Estimated emissions of the workspace since it started, in grams of CO2e, by CPU state (busy or idle), at the GB grid intensity of each cycle.',
    (w) => w.busyGrams,
    (w) => w.idleGrams
  ),
  family({
    name: 'ada_carbon_workspace_runtime_seconds_total',
    help: 'Runtime of the workspace since it started, in seconds: its busy CPU seconds divided by its vCPUs, so it grows only with the busy share (at most 1 s per second).',
    type: 'counter',
    labels: WORKSPACE_LABELS,
    samples: function* (s): Iterable<Sample<WorkspaceLabel>> {
      for (const w of s.workspaces) yield [workspaceLabels(w), Math.max(0, runtimeSecondsOf(w))];
    },
  }),
  perWorkspace(
    'ada_carbon_workspace_power_watts',
    'Estimated mean power of the workspace over the last tracking interval, in watts; PUE included.',
    (w) => w.powerWatts
  ),
  perWorkspace(
    'ada_carbon_workspace_idle_power_watts',
    'The idle part of ada_carbon_workspace_power_watts, in watts: power drawn while the CPUs were idle.',
    (w) => w.idlePowerWatts
  ),
  perWorkspace(
    'ada_carbon_workspace_idle_ratio',
    'Share of the workspace CPU time spent idle (idle and iowait) over the last tracking interval, ratio 0-1.',
    (w) => w.idleRatio
  ),
  perWorkspace('ada_carbon_workspace_cpus', 'Number of vCPUs of the workspace.', (w) => w.cpus),
  perWorkspace(
    'ada_carbon_workspace_started_timestamp_seconds',
    'Unix time in seconds at which the workspace VM booted (node_boot_time_seconds).',
    (w) => w.startedAtSeconds
  ),
  family({
    // `missing` workspaces were not seen in the last cycle but are not closed yet
    name: 'ada_carbon_workspaces',
    help: 'Number of open workspaces by site and status (active: seen in the last cycle; missing: not seen, not yet closed).',
    type: 'gauge',
    labels: ['site', 'status'],
    samples: (s) =>
      sumBy(
        s.workspaces,
        (w) => ({ site: w.site, status: w.status }),
        () => 1
      ),
  }),
  family({
    // marks understated numbers: an input such as memory activity was missing
    name: 'ada_carbon_workspaces_partial',
    help: 'Number of open workspaces of a site whose last observation lacked an input such as memory activity (their watts understate).',
    type: 'gauge',
    labels: ['site'],
    samples: (s) =>
      sumBy(
        s.workspaces,
        (w) => ({ site: w.site }),
        (w) => (w.partial ? 1 : 0)
      ),
  }),
  family({
    // how much of the emissions rests on the fallback intensity rather than grid data
    name: 'ada_carbon_workspaces_fallback_emissions_grams',
    help: 'Grams of CO2e among the open workspaces of a site that were computed with the fallback intensity, not API data.',
    type: 'gauge',
    labels: ['site'],
    samples: (s) =>
      sumBy(
        s.workspaces,
        (w) => ({ site: w.site }),
        (w) => w.fallbackGrams
      ),
  }),
];

/** The workspace families as exposed: with the `user` label only when the operator chose `metrics.userLabel`. */
export const workspaceFamilies = (userLabel: boolean): readonly Family<TrackingSnapshot>[] =>
  userLabel ? WORKSPACE_FAMILIES : WORKSPACE_FAMILIES.map((f) => withoutLabel(f, 'user'));
