import type { Registry } from 'prom-client';
import { snapshotGauge, type SnapshotSource } from './common';

export const WORKSPACES = 'ada_carbon_workspaces';

/** Count of open workspaces per site and status; `missing` ones were not seen in the last cycle but are not closed yet. */
export const workspaces = (registry: Registry, source: SnapshotSource) =>
  snapshotGauge(registry, source, {
    name: WORKSPACES,
    help: 'Number of open workspaces by site and status (active: seen in the last cycle; missing: not seen, not yet closed).',
    labelNames: ['site', 'status'] as const,
    fill: (s, add) => s.workspaces.forEach((w) => add({ site: w.site, status: w.status }, 1)),
  });
