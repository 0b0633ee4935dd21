import { Gauge, Registry } from 'prom-client';
import type { CycleStats } from '../tracking/snapshot';
import type { SnapshotSource } from './common';
import { buildInfo } from './buildInfo';
import { carbonConflictingSlots, type ConflictStats } from './carbonConflictingSlots';
import { fallbackEmissions } from './fallbackEmissions';
import { gridIntensity } from './gridIntensity';
import { gridIntensityFallback } from './gridIntensityFallback';
import { sourceMetrics } from './sources';
import { anomalyMetric, trackingMetrics } from './tracking';
import { workspaceCpus } from './workspaceCpus';
import { workspaceEmissions } from './workspaceEmissions';
import { workspaceEnergy } from './workspaceEnergy';
import { workspaceIdlePower } from './workspaceIdlePower';
import { workspaceIdleRatio } from './workspaceIdleRatio';
import { workspacePower } from './workspacePower';
import { workspaces } from './workspaces';
import { workspacesPartial } from './workspacesPartial';
import { workspaceStarted } from './workspaceStarted';
import type { GreenSources } from './greenCommon';
import { gridForecast } from './gridForecast';
import { greenestWindowStart } from './greenestWindowStart';
import { greenestWindowMean } from './greenestWindowMean';
import { greenestWindowSaving } from './greenestWindowSaving';
import { greenestWindowAvailable } from './greenestWindowAvailable';
import { forecastUp } from './forecastUp';
import { forecastLastSuccess } from './forecastLastSuccess';
import { idleWorkspaces } from './idleWorkspaces';
import { idleShutdownSavingJoules } from './idleShutdownSavingJoules';
import { idleShutdownSavingGrams } from './idleShutdownSavingGrams';

export const RENDER_DURATION = 'ada_carbon_metrics_render_duration_seconds';

export interface ExporterMetrics {
  registry: Registry;
  /** hand every finished tracking cycle to this */
  onCycle: (c: CycleStats) => void;
  /** the exposition text; rendered once per snapshot and shared by every scrape until the next cycle */
  render: () => Promise<string>;
  /** another snapshot the text depends on (e.g. the forecast, refreshed on its own timer): its version joins the cache key */
  addVersionSource: (version: () => number) => void;
}

/**
 * The exporter's own registry (no prom-client default process metrics: they fail `promtool check metrics`).
 * `carbon` gives the carbon client's running counts; without it their family stays at 0.
 */
export function createMetrics(source: SnapshotSource, version: string, carbon?: ConflictStats): ExporterMetrics {
  const registry = new Registry();
  workspaceEnergy(registry, source);
  workspaceEmissions(registry, source);
  workspacePower(registry, source);
  workspaceIdlePower(registry, source);
  workspaceIdleRatio(registry, source);
  workspaceCpus(registry, source);
  workspaceStarted(registry, source);
  workspaces(registry, source);
  workspacesPartial(registry, source);
  fallbackEmissions(registry, source);
  gridIntensity(registry, source);
  gridIntensityFallback(registry, source);
  sourceMetrics(registry, source);
  carbonConflictingSlots(registry, carbon);
  buildInfo(registry, version);
  const observeCycle = trackingMetrics(registry);
  anomalyMetric(registry, source);
  const renderDuration = new Gauge({
    name: RENDER_DURATION,
    help: 'Seconds the previous rendering of this exposition took (done once per tracking cycle, not per scrape).',
    registers: [registry],
  });

  // Every family changes only when a cycle ends (snapshot version and cycle stats move together), so the text of
  // one version serves every scrape until the next: thousands of workspaces cost one rendering per cycle.
  let cached: { version: string; text: Promise<string> } | undefined;
  const versions: Array<() => number> = [() => source().version];
  const render = (): Promise<string> => {
    const v = versions.map((f) => f()).join(':');
    if (cached?.version !== v) {
      const t0 = performance.now();
      const text = registry.metrics().finally(() => renderDuration.set((performance.now() - t0) / 1000));
      cached = { version: v, text };
      text.catch(() => {
        if (cached?.text === text) cached = undefined;
      });
    }
    return cached.text;
  };
  return { registry, onCycle: observeCycle, render, addVersionSource: (f) => void versions.push(f) };
}

/** The greener-choices families (forecast, greenest window, idle savings), registered by the forecast plugin. */
export function createGreenMetrics(registry: Registry, src: GreenSources): void {
  gridForecast(registry, src);
  greenestWindowStart(registry, src);
  greenestWindowMean(registry, src);
  greenestWindowSaving(registry, src);
  greenestWindowAvailable(registry, src);
  forecastUp(registry, src);
  forecastLastSuccess(registry, src);
  idleWorkspaces(registry, src);
  idleShutdownSavingJoules(registry, src);
  idleShutdownSavingGrams(registry, src);
}
