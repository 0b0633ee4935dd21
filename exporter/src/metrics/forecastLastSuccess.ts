import type { Registry } from 'prom-client';
import { snapshotGauge, type GreenSources } from './greenCommon';

export const FORECAST_LAST_SUCCESS = 'ada_carbon_grid_forecast_last_success_timestamp_seconds';

export const forecastLastSuccess = (registry: Registry, src: GreenSources) =>
  snapshotGauge(registry, {
    name: FORECAST_LAST_SUCCESS,
    help: 'Unix time in seconds of the last successful 48 h forecast refresh of the area.',
    labelNames: ['area'] as const,
    fill: (set) => {
      for (const a of src.forecast().areas) if (a.lastSuccessSeconds !== undefined) set({ area: a.area }, a.lastSuccessSeconds);
    },
  });
