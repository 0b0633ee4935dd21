import { Gauge, type Registry } from 'prom-client';
import { onNewSnapshot, type SnapshotSource } from './common';

export const GRID_INTENSITY_FALLBACK = 'ada_carbon_grid_intensity_fallback';

export const gridIntensityFallback = (registry: Registry, source: SnapshotSource) =>
  new Gauge({
    name: GRID_INTENSITY_FALLBACK,
    help: '1 when the grid intensity of the area is the configured fallback value rather than API data, else 0.',
    labelNames: ['area'] as const,
    registers: [registry],
    collect: onNewSnapshot(source, function (this: Gauge<'area'>, s) {
      this.reset();
      for (const [area, r] of Object.entries(s.intensity)) if (r) this.set({ area }, r.fallback ? 1 : 0);
    }),
  });
