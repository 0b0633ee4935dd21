// The forecast refresher: fetches the 48 h forecast per area on the half-hour into an immutable snapshot, from which
// the greenest windows are derived. Readers only see the snapshot; a failing API keeps the last good forecast.
import type { Config } from '../config';
import { SLOT_SECONDS, slotStart, type IntensitySlot } from '../model/slots';
import type { Area, CarbonIntensityClient } from '../sources/carbon';
import { greenestWindows, type WindowAdvice } from './window';

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
    private readonly log?: { warn(o: object, m?: string): void }
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
    const areas = await Promise.all(
      this.areaList.map(async (area): Promise<AreaForecast> => {
        const before = previous.get(area);
        const t0 = performance.now();
        try {
          const slots = await this.carbon.forecast(area, at, 48);
          return {
            area,
            slots,
            up: true,
            fetchedAtSeconds: at,
            lastSuccessSeconds: at,
            lastDurationSeconds: (performance.now() - t0) / 1000,
          };
        } catch (err) {
          const lastError = err instanceof Error ? err.message : String(err);
          this.log?.warn({ area, err: lastError }, 'forecast refresh failed; keeping the last forecast');
          return {
            area,
            slots: (before?.slots ?? []).filter((s) => s.toSeconds > slotStart(at)),
            up: false,
            fetchedAtSeconds: before?.fetchedAtSeconds,
            lastSuccessSeconds: before?.lastSuccessSeconds,
            lastDurationSeconds: (performance.now() - t0) / 1000,
            lastError,
          };
        }
      })
    );
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
