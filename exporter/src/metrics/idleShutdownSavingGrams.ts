import type { Registry } from 'prom-client';
import { snapshotGauge, type GreenSources } from './greenCommon';

export const IDLE_SHUTDOWN_SAVING_GRAMS = 'ada_carbon_idle_shutdown_projected_daily_saving_grams';

export const idleShutdownSavingGrams = (registry: Registry, src: GreenSources) =>
  snapshotGauge(registry, {
    name: IDLE_SHUTDOWN_SAVING_GRAMS,
    help: 'Grams of CO2e that shutting down the idle workspaces of a site and project would save per day, at the mean forecast intensity of the next 24 h (else the current, else the fallback intensity).',
    labelNames: ['site', 'project'] as const,
    fill: (set) => {
      for (const g of src.savings().groups) set({ site: g.site, project: g.project }, g.shutdownSavingGramsPerDay);
    },
  });
