import type { Registry } from 'prom-client';
import { eachWindow, snapshotGauge, type GreenSources } from './greenCommon';

export const GREENEST_WINDOW_SAVING = 'ada_carbon_grid_greenest_window_saving_ratio';

export const greenestWindowSaving = (registry: Registry, src: GreenSources) =>
  snapshotGauge(registry, {
    name: GREENEST_WINDOW_SAVING,
    help: 'Share of carbon saved (0-1) by running a job of the given duration in the greenest window rather than starting it now: (mean now - mean in window) / mean now.',
    labelNames: ['area', 'duration'] as const,
    fill: (set) => eachWindow(src.forecast(), (l, w) => {
      if (w.savingRatio !== null) set(l, w.savingRatio);
    }),
  });
