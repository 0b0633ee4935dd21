import type { Registry } from 'prom-client';
import { eachWindow, snapshotGauge, type GreenSources } from './greenCommon';

export const GREENEST_WINDOW_START = 'ada_carbon_grid_greenest_window_start_timestamp_seconds';

export const greenestWindowStart = (registry: Registry, src: GreenSources) =>
  snapshotGauge(registry, {
    name: GREENEST_WINDOW_START,
    help: 'Unix time in seconds at which a job of the given duration should start for the lowest mean forecast intensity in the next 48 h (whole half-hours, earliest on ties). Absent when there is no advice (see ada_carbon_grid_greenest_window_available).',
    labelNames: ['area', 'duration'] as const,
    fill: (set) => eachWindow(src.forecast(), (l, w) => set(l, w.startSeconds)),
  });
