import { Gauge, type Registry } from 'prom-client';
import { onNewSnapshot, type SnapshotSource } from './common';

export const WORKSPACES = 'ada_carbon_workspaces';

/** Count of open workspaces per site and status; `missing` ones were not seen in the last cycle but are not closed yet. */
export const workspaces = (registry: Registry, source: SnapshotSource) =>
  new Gauge({
    name: WORKSPACES,
    help: 'Number of open workspaces by site and status (active: seen in the last cycle; missing: not seen, not yet closed).',
    labelNames: ['site', 'status'] as const,
    registers: [registry],
    collect: onNewSnapshot(source, function (this: Gauge<'site' | 'status'>, s) {
      this.reset();
      for (const w of s.workspaces) this.inc({ site: w.site, status: w.status });
    }),
  });
