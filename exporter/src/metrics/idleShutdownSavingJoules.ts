import type { Registry } from 'prom-client';
import { snapshotGauge, type GreenSources } from './greenCommon';

export const IDLE_SHUTDOWN_SAVING_JOULES = 'ada_carbon_idle_shutdown_projected_daily_saving_joules';

export const idleShutdownSavingJoules = (registry: Registry, src: GreenSources) =>
  snapshotGauge(registry, {
    name: IDLE_SHUTDOWN_SAVING_JOULES,
    help: 'Energy in joules that shutting down the idle workspaces of a site and project would save per day: their fully idle draw over 24 h by the tracking power model, PUE included.',
    labelNames: ['site', 'project'] as const,
    fill: (set) => {
      for (const g of src.savings().groups) set({ site: g.site, project: g.project }, g.shutdownSavingJoulesPerDay);
    },
  });
