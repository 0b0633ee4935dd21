import type { Registry } from 'prom-client';
import { snapshotGauge, type GreenSources } from './greenCommon';

export const FORECAST_UP = 'ada_carbon_grid_forecast_up';

export const forecastUp = (registry: Registry, src: GreenSources) =>
  snapshotGauge(registry, {
    name: FORECAST_UP,
    help: '1 when the last 48 h forecast refresh of the area succeeded, else 0 (the last good forecast is then kept while it covers the future).',
    labelNames: ['area'] as const,
    fill: (set) => {
      for (const a of src.forecast().areas) set({ area: a.area }, a.up ? 1 : 0);
    },
  });
