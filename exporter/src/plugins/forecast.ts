// The forecast refresher: fetches the 48 h forecast per area on the half-hour into an immutable snapshot, plus the
// greener-choices views derived from it. Metrics only read the snapshot; a failing API keeps the last good forecast.
import fp from 'fastify-plugin';
import { resolveMachineProfile, type Config } from '../config';
import { createGreenMetrics } from '../metrics/registry';
import { SLOT_SECONDS, slotStart, type IntensitySlot } from '../model/slots';
import type { PowerProfile } from '../model/power';
import type { Area, CarbonIntensityClient } from '../sources/carbon';
import type { TrackingSnapshot } from '../tracking/snapshot';
import {
  DEFAULT_EQUIVALENCIES, greenestWindows, idleTotalsBy, meanForecast, type Equivalency, type IdleTotals, type WindowAdvice,
} from '../green';
import type { EquivalencyRow } from '../config/schema';
import './types';

export interface AreaForecast {
  area: Area;
  /** half-hours from the current one on; kept from the last success when a refresh fails */
  slots: readonly IntensitySlot[];
  up: boolean;
  fetchedAtSeconds?: number;
  lastSuccessSeconds?: number;
  lastDurationSeconds?: number;
  lastError?: string;
}

export interface ForecastSnapshot {
  /** increases with every refresh */
  version: number;
  /** the instant of the last refresh; undefined before the first */
  atSeconds?: number;
  areas: readonly AreaForecast[];
  /** per area, one advice per configured window length (config order) */
  windows: ReadonlyArray<{ area: Area; advice: readonly WindowAdvice[] }>;
}

/** Seconds after each half-hour at which the forecast is fetched again (the API publishes on the half-hour). */
export const REFRESH_DELAY_SECONDS = 60;

export class ForecastRefresher {
  private snap: ForecastSnapshot = { version: 0, areas: [], windows: [] };
  private inFlight?: Promise<ForecastSnapshot>;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  readonly areaList: Area[];
  /** the area emissions use: regional with a postcode, else national */
  readonly ownArea: Area;

  constructor(
    private readonly carbon: Pick<CarbonIntensityClient, 'forecast'>,
    private readonly config: Pick<Config, 'carbonIntensity' | 'green'>,
    private readonly clock: () => number,
    private readonly log?: { warn(o: object, m?: string): void },
  ) {
    this.ownArea = config.carbonIntensity.postcode ? 'regional' : 'national';
    this.areaList = this.ownArea === 'regional' ? ['national', 'regional'] : ['national'];
  }

  get snapshot(): ForecastSnapshot {
    return this.snap;
  }

  get durationsSeconds(): number[] {
    return this.config.green.windowHours.map((h) => h * 3600);
  }

  /** Fetches every area now (shared by concurrent callers). Never rejects. */
  refresh(): Promise<ForecastSnapshot> {
    this.inFlight ??= this.run().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** The snapshot, refreshed first when it was taken in an earlier half-hour (REST callers; not metrics). */
  async current(): Promise<ForecastSnapshot> {
    const at = this.snap.atSeconds;
    if (at === undefined || slotStart(at) !== slotStart(this.clock())) return this.refresh();
    return this.snap;
  }

  /** Refresh now and then shortly after every half-hour. */
  start(): void {
    if (this.timer || this.stopped) return;
    const schedule = (): void => {
      const now = Date.now() / 1000;
      const next = slotStart(now) + SLOT_SECONDS + REFRESH_DELAY_SECONDS;
      this.timer = setTimeout(() => void this.refresh().finally(schedule), (next - now) * 1000);
      this.timer.unref();
    };
    void this.refresh().finally(schedule);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private async run(): Promise<ForecastSnapshot> {
    const at = this.clock();
    const previous = new Map(this.snap.areas.map((a) => [a.area, a]));
    const areas = await Promise.all(this.areaList.map(async (area): Promise<AreaForecast> => {
      const before = previous.get(area);
      const t0 = performance.now();
      try {
        const slots = await this.carbon.forecast(area, at, 48);
        return { area, slots, up: true, fetchedAtSeconds: at, lastSuccessSeconds: at, lastDurationSeconds: (performance.now() - t0) / 1000 };
      } catch (err) {
        const lastError = err instanceof Error ? err.message : String(err);
        this.log?.warn({ area, err: lastError }, 'forecast refresh failed; keeping the last forecast');
        return {
          area, slots: (before?.slots ?? []).filter((s) => s.toSeconds > slotStart(at)), up: false,
          fetchedAtSeconds: before?.fetchedAtSeconds, lastSuccessSeconds: before?.lastSuccessSeconds,
          lastDurationSeconds: (performance.now() - t0) / 1000, lastError,
        };
      }
    }));
    const durations = this.durationsSeconds;
    this.snap = Object.freeze({
      version: this.snap.version + 1,
      atSeconds: at,
      areas,
      windows: areas.map((a) => ({ area: a.area, advice: greenestWindows(a.slots, at, durations) })),
    });
    return this.snap;
  }
}

/** Idle totals per site and project, with the intensity their projected day was converted at. */
export interface SavingsView {
  atSeconds?: number;
  area: Area;
  gramsPerKwh: number;
  /** forecast_24h_mean: mean of the next 24 h forecast; current: the tracked intensity; fallback: the configured value */
  intensityBasis: 'forecast_24h_mean' | 'current' | 'fallback';
  groups: ReadonlyArray<{ site: string; project: string } & IdleTotals>;
}

/** The intensity a projected day is converted at: the next 24 h forecast, else the tracked intensity, else the fallback. */
export function projectionIntensity(
  forecast: ForecastSnapshot, tracking: TrackingSnapshot, area: Area, fallbackGramsPerKwh: number, now: number,
): { gramsPerKwh: number; basis: SavingsView['intensityBasis'] } {
  const slots = forecast.areas.find((a) => a.area === area)?.slots ?? [];
  const mean = meanForecast(slots, now, 24);
  if (mean !== null) return { gramsPerKwh: mean, basis: 'forecast_24h_mean' };
  const r = tracking.intensity[area];
  if (r && !r.fallback) return { gramsPerKwh: r.gramsPerKwh, basis: 'current' };
  return { gramsPerKwh: fallbackGramsPerKwh, basis: 'fallback' };
}

export interface GreenService {
  forecast: ForecastRefresher;
  equivalencies: readonly Equivalency[];
  profileFor: (machine: string) => PowerProfile;
  /** recomputed only when the tracking or forecast snapshot changed */
  savings(): SavingsView;
  clock: () => number;
}

declare module 'fastify' {
  interface FastifyInstance {
    green: GreenService;
  }
}

export function tableFromConfig(rows: readonly EquivalencyRow[] | undefined): Equivalency[] {
  if (!rows) return [...DEFAULT_EQUIVALENCIES];
  return rows.map((r) => (r.gramsPerUnit !== undefined
    ? { id: r.id, label: r.label, unit: r.unit, kind: 'carbon', gramsPerUnit: r.gramsPerUnit, source: r.source }
    : { id: r.id, label: r.label, unit: r.unit, kind: 'energy', kilowattHoursPerUnit: r.kilowattHoursPerUnit as number, source: r.source }));
}

export interface ForecastPluginOptions {
  autoStart?: boolean;
  clock?: () => number;
}

export default fp<ForecastPluginOptions>(
  async (app, opts) => {
    const { config } = app.settings;
    const clock = opts.clock ?? ((): number => Date.now() / 1000);
    const forecast = new ForecastRefresher(app.carbon, config, clock, app.log);
    const profiles = new Map<string, PowerProfile>();
    const profileFor = (machine: string): PowerProfile => {
      let p = profiles.get(machine);
      if (!p) profiles.set(machine, (p = resolveMachineProfile(config, machine)));
      return p;
    };
    let memo: { key: string; view: SavingsView } | undefined;
    const savings = (): SavingsView => {
      const t = app.tracker.snapshot;
      const f = forecast.snapshot;
      const key = `${t.version}:${f.version}`;
      if (memo?.key === key) return memo.view;
      const at = t.generatedAtSeconds ?? f.atSeconds ?? clock();
      const { gramsPerKwh, basis } = projectionIntensity(f, t, forecast.ownArea, config.carbonIntensity.fallbackGramsPerKwh, at);
      const totals = idleTotalsBy(t.workspaces, { profileFor, pue: config.pue, idleRatioThreshold: config.green.idleRatioThreshold, gramsPerKwh },
        (w) => JSON.stringify([w.site, w.project]));
      const groups = [...totals].map(([k, v]) => {
        const [site, project] = JSON.parse(k) as [string, string];
        return { site, project, ...v };
      });
      memo = { key, view: { atSeconds: t.generatedAtSeconds, area: forecast.ownArea, gramsPerKwh, intensityBasis: basis, groups } };
      return memo.view;
    };
    const service: GreenService = { forecast, equivalencies: tableFromConfig(config.green.equivalencies), profileFor, savings, clock };
    app.decorate('green', service);
    createGreenMetrics(app.metrics.registry, { forecast: () => forecast.snapshot, savings });
    app.metrics.addVersionSource(() => forecast.snapshot.version);
    if (opts.autoStart) app.addHook('onReady', async () => forecast.start());
    app.addHook('onClose', async () => forecast.stop());
  },
  { name: 'forecast', dependencies: ['settings', 'sources', 'tracking'] },
);
