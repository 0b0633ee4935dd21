import type { Registry } from 'prom-client';
import { eachWindow, snapshotGauge, type GreenSources } from './greenCommon';

export const GREENEST_WINDOW_MEAN = 'ada_carbon_grid_greenest_window_mean_grams_per_kilowatt_hour';

export const greenestWindowMean = (registry: Registry, src: GreenSources) =>
  snapshotGauge(registry, {
    name: GREENEST_WINDOW_MEAN,
    help: 'Mean forecast grid intensity in grams of CO2 per kWh over the greenest window of the given duration.',
    labelNames: ['area', 'duration'] as const,
    fill: (set) => eachWindow(src.forecast(), (l, w) => set(l, w.meanGramsPerKwh)),
  });
