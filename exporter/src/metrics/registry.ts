import { Gauge, Registry } from 'prom-client';
import type { CycleStats, TrackingSnapshot } from '../tracking/snapshot';
import type { SavingsView } from '../green/projection';
import type { ForecastSnapshot } from '../green/refresher';
import { FORECAST_FAMILIES, SAVINGS_FAMILIES } from './families/green';
import { GRID_FAMILIES } from './families/grid';
import { CONFLICTING_SLOTS, SOURCE_FAMILIES, type ConflictStats } from './families/sources';
import { ANOMALIES, BUILD_INFO, CYCLE_FAMILIES, cycleRecorder, RENDER_DURATION } from './families/tracking';
import { WORKSPACE_FAMILIES, workspaceFamilies } from './families/workspace';
import { PROJECT_FAMILIES } from './families/projects';
import { registerFamilies, type Descriptor } from './table';
import { familySlicer, renderFamily, slicer } from './render';
import { createScraper, newRegistry, type Rendered, type Scraper } from './exposition';
import type { ExpositionFormat } from './negotiate';

export type SnapshotSource = () => TrackingSnapshot;

/** How long a scrape waits for a rendering under way before it is served the previous one. */
export const SCRAPE_WAIT_MS = 100;
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
  /** the families, once per exposition format: prom-client renders one format per registry */
  registries: Readonly<Record<ExpositionFormat, Registry>>;
  /** hand every finished tracking cycle to this */
  onCycle: (c: CycleStats) => void;
  /** the families' exposition; rendered once per snapshot and format, shared by every scrape until the next cycle */
  render: (format?: ExpositionFormat) => Promise<string>;
  /** the /metrics body: the rendered families plus the process families, gzipped if asked */
  scrape: Scraper['scrape'];
  /** prepares the next scrape's body once a cycle ends, off the scrape path */
  warm: Scraper['warm'];
  /** another snapshot the text depends on (e.g. the forecast, refreshed on its own timer): its version joins the cache key */
  addVersionSource: (version: () => number) => void;
  /** registers more families in every format's registry (the forecast plugin's) */
  extend: (register: (registry: Registry) => void) => void;
  /** work a rendering awaits before prom-client collects the small families (e.g. a view computed in slices) */
  beforeCollect: (prepare: () => Promise<void>) => void;
}

export interface MetricsOptions {
  /** keep the `user` label on the per-workspace families (config `metrics.userLabel`); off by default */
  userLabel?: boolean;
  /** one series per workspace (default), or per site and project only (config `metrics.perWorkspace: false`) */
  perWorkspace?: boolean;
}

/**
 * The exporter's own families, in a registry per exposition format (the process families live in exposition.ts).
 * `carbon` gives the carbon client's running counts; without it their family stays at 0.
 */
export function createMetrics(
  source: SnapshotSource,
  version: string,
  carbon?: ConflictStats,
  opts: MetricsOptions = {}
): ExporterMetrics {
  const snapshotVersion = (s: TrackingSnapshot): number => s.version;
  const f = EXPORTER_FAMILIES;
  const snapshotFamilies = [
    ...(opts.perWorkspace === false ? PROJECT_FAMILIES : workspaceFamilies(opts.userLabel === true)),
    ...f.snapshot.filter((d) => !WORKSPACE_FAMILIES.includes(d)),
  ];
  const build = (format: ExpositionFormat) => {
    const registry = newRegistry(format);
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
    return { registry, observeCycle, renderDuration };
  };
  const built = { text: build('text'), openmetrics: build('openmetrics') };
  const each = Object.values(built);

  // Every family changes only when a cycle ends (snapshot version and cycle stats move together), so the bytes of
  // one version serve every scrape until the next: thousands of workspaces cost one rendering per cycle and format.
  const cached = new Map<ExpositionFormat, { version: string; rendered: Promise<Rendered> }>();
  const versions: Array<() => number> = [() => source().version];
  const preparers: Array<() => Promise<void>> = [];
  const renderLatest = (format: ExpositionFormat = 'text'): Promise<Rendered> => {
    const v = versions.map((fn) => fn()).join(':');
    const hit = cached.get(format);
    if (hit?.version === v) return hit.rendered;
    const { registry, renderDuration } = built[format];
    const t0 = performance.now();
    const rendered = renderAll(format, registry).finally(() => renderDuration.set((performance.now() - t0) / 1000));
    cached.set(format, { version: v, rendered });
    rendered.then((r) => void previous.set(format, r)).catch(() => undefined);
    rendered.catch(() => {
      if (cached.get(format)?.rendered === rendered) cached.delete(format);
    });
    return rendered;
  };
  // The snapshot families (one series per workspace) are rendered and encoded here family by family, the event loop
  // getting a turn between slices and between families; prom-client renders the small rest. The bytes are what
  // scrapes send, never joined into one string; render() decodes the text only when asked for (tests).
  const renderAll = async (format: ExpositionFormat, registry: Registry): Promise<Rendered> => {
    const snapshot = source();
    const pause = slicer();
    const between = familySlicer();
    const separator = Buffer.from(format === 'openmetrics' ? '\n' : '\n\n');
    const parts: Buffer[] = [];
    const add = async (text: string): Promise<void> => {
      if (parts.length > 0) parts.push(separator);
      parts.push(Buffer.from(text));
      const turn = between();
      if (turn) await turn;
    };
    for (const family of snapshotFamilies) await add(await renderFamily(family, snapshot, format, pause));
    for (const prepare of preparers) await prepare();
    await add(await registry.metrics());
    return { parts };
  };
  // one text per rendering, decoded at the first ask and shared by every caller until the next rendering
  const texts = new WeakMap<Promise<Rendered>, Promise<string>>();
  const render = (format: ExpositionFormat = 'text'): Promise<string> => {
    const r = renderLatest(format);
    let text = texts.get(r);
    if (!text) texts.set(r, (text = r.then((x) => Buffer.concat(x.parts).toString('utf8'))));
    return text;
  };
  // A scrape that comes while the next rendering is under way (thousands of workspaces take a while in slices)
  // waits for it at most SCRAPE_WAIT_MS, then gets the previous one: one cycle older, never a stall.
  const previous = new Map<ExpositionFormat, Rendered>();
  const forScrape = (format: ExpositionFormat): Promise<Rendered> => {
    const fresh = renderLatest(format);
    const last = previous.get(format);
    if (last === undefined) return fresh;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<Rendered>((resolve) => (timer = setTimeout(() => resolve(last), SCRAPE_WAIT_MS)));
    return Promise.race([fresh, late]).finally(() => clearTimeout(timer));
  };
  const scraper = createScraper(forScrape, renderLatest);
  return {
    registries: { text: built.text.registry, openmetrics: built.openmetrics.registry },
    onCycle: (c) => each.forEach((b) => b.observeCycle(c)),
    render,
    scrape: scraper.scrape,
    warm: scraper.warm,
    addVersionSource: (fn) => void versions.push(fn),
    extend: (register) => each.forEach((b) => register(b.registry)),
    beforeCollect: (prepare) => void preparers.push(prepare),
  };
}

/** What the greener-choices families read: the forecast snapshot and the idle savings view (both precomputed). */
export interface GreenSources {
  forecast: () => ForecastSnapshot;
  savings: () => SavingsView;
  /** computes the savings view ahead in slices (over every workspace), before the collectors read it */
  prepareSavings?: () => Promise<void>;
}

/** The greener-choices families, registered by the forecast plugin after the exporter's own. */
const GREEN_FAMILIES = { forecast: FORECAST_FAMILIES, savings: SAVINGS_FAMILIES };

/** The greener-choices families (forecast, greenest window, idle savings), registered by the forecast plugin. */
export function createGreenMetrics(metrics: ExporterMetrics, src: GreenSources): void {
  metrics.extend((registry) => {
    registerFamilies(registry, GREEN_FAMILIES.forecast, src.forecast, (s) => s.version);
    // the savings view is memoised on both snapshots' versions, so reading it at each rendering is cheap
    registerFamilies(registry, GREEN_FAMILIES.savings, src.savings);
  });
  if (src.prepareSavings) metrics.beforeCollect(src.prepareSavings);
}

const namesOf = (groups: Record<string, readonly Descriptor[]>): string[] =>
  Object.values(groups)
    .flat()
    .map((d) => d.name);

/** The greener-choices metric names, the part of METRIC_NAMES only the forecast plugin registers. */
export const GREEN_METRIC_NAMES: readonly string[] = namesOf(GREEN_FAMILIES);

/** Every metric family the exporter exposes, in exposition order; the golden test and the docs are held to it. */
export const METRIC_NAMES: readonly string[] = [...namesOf(EXPORTER_FAMILIES), ...GREEN_METRIC_NAMES];
