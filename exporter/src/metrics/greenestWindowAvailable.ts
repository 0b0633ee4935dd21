import type { Registry } from 'prom-client';
import { durationLabel } from '../green/window';
import { snapshotGauge, type GreenSources } from './greenCommon';

export const GREENEST_WINDOW_AVAILABLE = 'ada_carbon_grid_greenest_window_available';

export const greenestWindowAvailable = (registry: Registry, src: GreenSources) =>
  snapshotGauge(registry, {
    name: GREENEST_WINDOW_AVAILABLE,
    help: '1 when there is greenest-window advice for the area and duration, 0 when there is none (no forecast during an outage, a window longer than the forecast, or gaps); the REST endpoint says why.',
    labelNames: ['area', 'duration'] as const,
    fill: (set) => {
      for (const { area, advice } of src.forecast().windows) {
        for (const a of advice) set({ area, duration: durationLabel(a.durationSeconds) }, a.kind === 'window' ? 1 : 0);
      }
    },
  });
