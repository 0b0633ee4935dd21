import type { Registry } from 'prom-client';
import { snapshotGauge, type SnapshotSource } from './common';

export const FALLBACK_EMISSIONS = 'ada_carbon_workspaces_fallback_emissions_grams';

/** Marks how much of the open workspaces' emissions rests on the fallback intensity rather than grid data. */
export const fallbackEmissions = (registry: Registry, source: SnapshotSource) =>
  snapshotGauge(registry, source, {
    name: FALLBACK_EMISSIONS,
    help: 'Grams of CO2e among the open workspaces of a site that were computed with the fallback intensity, not API data.',
    labelNames: ['site'] as const,
    fill: (s, add) => s.workspaces.forEach((w) => add({ site: w.site }, w.fallbackGrams)),
  });
