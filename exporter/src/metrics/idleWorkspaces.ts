import type { Registry } from 'prom-client';
import { snapshotGauge, type GreenSources } from './greenCommon';

export const IDLE_WORKSPACES = 'ada_carbon_idle_workspaces';

/** Per site and project only: per-user figures are served by GET /api/v1/idle-waste (users are unbounded). */
export const idleWorkspaces = (registry: Registry, src: GreenSources) =>
  snapshotGauge(registry, {
    name: IDLE_WORKSPACES,
    help: 'Active workspaces whose CPU idle ratio over the last tracking interval is at least green.idleRatioThreshold (shutdown candidates), by site and project.',
    labelNames: ['site', 'project'] as const,
    fill: (set) => {
      for (const g of src.savings().groups) set({ site: g.site, project: g.project }, g.idleWorkspaces);
    },
  });
