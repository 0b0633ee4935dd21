import type { Registry } from 'prom-client';
import { snapshotGauge, type SnapshotSource } from './common';

export const GRID_INTENSITY_FALLBACK = 'ada_carbon_grid_intensity_fallback';

export const gridIntensityFallback = (registry: Registry, source: SnapshotSource) =>
  snapshotGauge(registry, source, {
    name: GRID_INTENSITY_FALLBACK,
    help: '1 when the grid intensity of the area is the configured fallback value rather than API data, else 0.',
    labelNames: ['area'] as const,
    fill: (s, add) => {
      for (const [area, r] of Object.entries(s.intensity)) if (r) add({ area }, r.fallback ? 1 : 0);
    },
  });
