import type { Registry } from 'prom-client';
import { snapshotGauge, type SnapshotSource } from './common';

export const GRID_INTENSITY = 'ada_carbon_grid_intensity_grams_per_kilowatt_hour';

export const gridIntensity = (registry: Registry, source: SnapshotSource) =>
  snapshotGauge(registry, source, {
    name: GRID_INTENSITY,
    help: 'GB grid carbon intensity used for the current half-hour, in grams of CO2 per kWh (actual, else forecast, else the configured fallback).',
    labelNames: ['area'] as const,
    fill: (s, add) => {
      for (const [area, r] of Object.entries(s.intensity)) if (r) add({ area }, r.gramsPerKwh);
    },
  });
