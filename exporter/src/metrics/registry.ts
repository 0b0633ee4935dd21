import { Gauge, Registry } from 'prom-client';
import type { CycleStats, TrackingSnapshot } from '../tracking/snapshot';
import type { SavingsView } from '../green/projection';
import type { ForecastSnapshot } from '../green/refresher';
import { FORECAST_FAMILIES, SAVINGS_FAMILIES } from './families/green';
import { GRID_FAMILIES } from './families/grid';
import { CONFLICTING_SLOTS, SOURCE_FAMILIES, type ConflictStats } from './families/sources';
import { ANOMALIES, BUILD_INFO, CYCLE_FAMILIES, cycleRecorder, RENDER_DURATION } from './families/tracking';
import { WORKSPACE_FAMILIES, workspaceFamilies } from './families/workspace';
import { registerFamilies, type Descriptor } from './table';

export type SnapshotSource = () => TrackingSnapshot;
export type { ConflictStats };

/** The exporter's own families, by what feeds them, in exposition order (createMetrics registers them so). */
const EXPORTER_FAMILIES = {
  snapshot: [...WORKSPACE_FAMILIES, ...GRID_FAMILIES, ...SOURCE_FAMILIES],
  carbon: [CONFLICTING_SLOTS],
  build: [BUILD_INFO],
  cycle: Object.values(CYCLE_FAMILIES),
  anomalies: [ANOMALIES],
  render: [RENDER_DURATION],
} satisfies Record<string, readonly Descriptor[]>;

export interface ExporterMetrics {
  registry: Registry;
  /** hand every finished tracking cycle to this */
  onCycle: (c: CycleStats) => void;
  /** the exposition text; rendered once per snapshot and shared by every scrape until the next cycle */
  render: () => Promise<string>;
  /** another snapshot the text depends on (e.g. the forecast, refreshed on its own timer): its version joins the cache key */
  addVersionSource: (version: () => number) => void;
}

export interface MetricsOptions {
  /** keep the `user` label on the per-workspace families (config `metrics.userLabel`); off by default */
  userLabel?: boolean;
}

/**
 * The exporter's own registry (no prom-client default process metrics: they fail `promtool check metrics`).
 * `carbon` gives the carbon client's running counts; without it their family stays at 0.
 */
export function createMetrics(
  source: SnapshotSource,
  version: string,
  carbon?: ConflictStats,
  opts: MetricsOptions = {}
): ExporterMetrics {
  const registry = new Registry();
  const snapshotVersion = (s: TrackingSnapshot): number => s.version;
  const f = EXPORTER_FAMILIES;
  const snapshotFamilies = [
    ...workspaceFamilies(opts.userLabel === true),
    ...f.snapshot.filter((d) => !WORKSPACE_FAMILIES.includes(d)),
  ];
  registerFamilies(registry, snapshotFamilies, source, snapshotVersion);
  registerFamilies(registry, f.carbon, () => carbon?.());
  registerFamilies(
    registry,
    f.build,
    () => version,
    () => 0
  );
  const observeCycle = cycleRecorder(registry);
  registerFamilies(registry, f.anomalies, source, snapshotVersion);
  const renderDuration = new Gauge({ name: RENDER_DURATION.name, help: RENDER_DURATION.help, registers: [registry] });

  // Every family changes only when a cycle ends (snapshot version and cycle stats move together), so the text of
  // one version serves every scrape until the next: thousands of workspaces cost one rendering per cycle.
  let cached: { version: string; text: Promise<string> } | undefined;
  const versions: Array<() => number> = [() => source().version];
  const render = (): Promise<string> => {
    const v = versions.map((fn) => fn()).join(':');
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
  return { registry, onCycle: observeCycle, render, addVersionSource: (fn) => void versions.push(fn) };
}

/** What the greener-choices families read: the forecast snapshot and the idle savings view (both precomputed). */
export interface GreenSources {
  forecast: () => ForecastSnapshot;
  savings: () => SavingsView;
}

/** The greener-choices families, registered by the forecast plugin after the exporter's own. */
const GREEN_FAMILIES = { forecast: FORECAST_FAMILIES, savings: SAVINGS_FAMILIES };

/** The greener-choices families (forecast, greenest window, idle savings), registered by the forecast plugin. */
export function createGreenMetrics(registry: Registry, src: GreenSources): void {
  registerFamilies(registry, GREEN_FAMILIES.forecast, src.forecast, (s) => s.version);
  // the savings view is memoised on both snapshots' versions, so reading it at each rendering is cheap
  registerFamilies(registry, GREEN_FAMILIES.savings, src.savings);
}

const namesOf = (groups: Record<string, readonly Descriptor[]>): string[] =>
  Object.values(groups)
    .flat()
    .map((d) => d.name);

/** The greener-choices metric names, the part of METRIC_NAMES only the forecast plugin registers. */
export const GREEN_METRIC_NAMES: readonly string[] = namesOf(GREEN_FAMILIES);

/** Every metric family the exporter exposes, in exposition order; the golden test and the docs are held to it. */
export const METRIC_NAMES: readonly string[] = [...namesOf(EXPORTER_FAMILIES), ...GREEN_METRIC_NAMES];
