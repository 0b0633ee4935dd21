import type { Registry } from 'prom-client';
import { snapshotGauge, type SnapshotSource } from './common';

export const WORKSPACES_PARTIAL = 'ada_carbon_workspaces_partial';

/** Marks understated numbers: workspaces whose last observation lacked an input (e.g. memory activity). */
export const workspacesPartial = (registry: Registry, source: SnapshotSource) =>
  snapshotGauge(registry, source, {
    name: WORKSPACES_PARTIAL,
    help: 'Number of open workspaces of a site whose last observation lacked an input such as memory activity (their watts understate).',
    labelNames: ['site'] as const,
    fill: (s, add) => s.workspaces.forEach((w) => add({ site: w.site }, w.partial ? 1 : 0)),
  });
