// Half-hour intensities cached in the store, so a re-run of a range asks the carbon API nothing it already answered.
import type { Area, CarbonIntensityClient } from '../sources/carbon';
import type { CarbonSlotRecord, DerivedStore } from '../store/usage/derived';
import { HALF_HOUR_SECONDS } from './types';
import type { SlotIntensity } from './attribution';

/** A national slot without `actual` is asked again until this long after it ended; then its forecast is final. */
const SETTLE_WAIT_SECONDS = 86400;

export type IntensityLookup = (slotFromSeconds: number) => SlotIntensity;

export class CarbonSlotCache {
  /** carbon API calls made through this cache (requests the client made, including its 14-day splits) */
  requests = 0;
  /** the last failure of the API or of the cache's store; cleared by a range that went through */
  lastError?: string;

  constructor(
    private readonly store: DerivedStore,
    private readonly carbon: CarbonIntensityClient,
    private readonly area: Area,
    private readonly fallbackGramsPerKwh: number,
    private readonly now: () => number
  ) {}

  private final(row: CarbonSlotRecord | undefined): boolean {
    if (!row) return false;
    if (row.actual !== null) return true;
    // regional data never settles; national does within hours of the slot's end
    const end = row.fromSeconds + HALF_HOUR_SECONDS;
    return this.area === 'regional'
      ? row.fetchedAtSeconds >= end && row.forecast !== null
      : row.fetchedAtSeconds >= end + SETTLE_WAIT_SECONDS;
  }

  /**
   * The intensities of [from, to): cached slots, and the missing or unsettled ones fetched in one range call and
   * cached. Never rejects: a store that is down only costs the cache (the API is asked), an API that is down
   * leaves those slots to the flagged fallback.
   */
  async ensure(fromS: number, toS: number): Promise<IntensityLookup> {
    const have = new Map<number, CarbonSlotRecord>();
    let storeOk = true;
    try {
      for (const r of await this.store.carbonSlots(this.area, fromS, toS)) have.set(r.fromSeconds, r);
    } catch (err) {
      storeOk = false;
      this.lastError = (err as Error).message;
    }
    let first: number | undefined;
    let last: number | undefined;
    for (let t = fromS; t < toS; t += HALF_HOUR_SECONDS) {
      if (this.final(have.get(t))) continue;
      first ??= t;
      last = t;
    }
    if (first !== undefined && last !== undefined) await this.fetch(first, last, have, storeOk);
    return this.lookupOf(have);
  }

  private async fetch(first: number, last: number, have: Map<number, CarbonSlotRecord>, storeOk: boolean) {
    const before = this.carbon.stats.requests;
    let slots;
    try {
      slots = await this.carbon.range(this.area, first, last + HALF_HOUR_SECONDS);
    } catch (err) {
      this.lastError = (err as Error).message;
      return;
    } finally {
      this.requests += this.carbon.stats.requests - before;
    }
    const fetchedAtSeconds = this.now();
    const fresh: CarbonSlotRecord[] = [];
    for (const s of slots) {
      if (s.fromSeconds < first || s.fromSeconds > last) continue;
      const r = { fromSeconds: s.fromSeconds, forecast: s.forecast, actual: s.actual, fetchedAtSeconds };
      fresh.push(r);
      have.set(r.fromSeconds, r);
    }
    if (storeOk) this.lastError = undefined;
    try {
      await this.store.putCarbonSlots(this.area, fresh);
    } catch (err) {
      this.lastError = (err as Error).message;
    }
  }

  /** actual, else forecast, else the flagged fallback */
  private lookupOf(have: ReadonlyMap<number, CarbonSlotRecord>): IntensityLookup {
    return (t) => {
      const r = have.get(t - (t % HALF_HOUR_SECONDS));
      if (r?.actual != null) return { gramsPerKwh: r.actual, source: 'actual' };
      if (r?.forecast != null) return { gramsPerKwh: r.forecast, source: 'forecast' };
      return { gramsPerKwh: this.fallbackGramsPerKwh, source: 'fallback' };
    };
  }
}
