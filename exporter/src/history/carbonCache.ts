// Half-hour intensities cached in SQLite, so a re-run of a range asks the carbon API nothing it already answered.
import type Database from 'better-sqlite3';
import type { Area, CarbonIntensityClient } from '../sources/carbon';
import { HALF_HOUR_SECONDS } from './types';
import type { SlotIntensity } from './attribution';

/** A national slot without `actual` is asked again until this long after it ended; then its forecast is final. */
const SETTLE_WAIT_SECONDS = 86400;

interface SlotRow {
  from_s: number;
  forecast: number | null;
  actual: number | null;
  fetched_at_s: number;
}

export class CarbonSlotCache {
  /** carbon API calls made through this cache (requests the client made, including its 14-day splits) */
  requests = 0;
  lastError?: string;

  constructor(
    private readonly db: Database.Database,
    private readonly carbon: CarbonIntensityClient,
    private readonly area: Area,
    private readonly fallbackGramsPerKwh: number,
    private readonly now: () => number
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS history_carbon_slots (
      area TEXT NOT NULL, from_s INTEGER NOT NULL, forecast REAL, actual REAL, fetched_at_s REAL NOT NULL,
      PRIMARY KEY (area, from_s))`);
  }

  private final(row: SlotRow | undefined): boolean {
    if (!row) return false;
    if (row.actual !== null) return true;
    // regional data never settles; national does within hours of the slot's end
    const end = row.from_s + HALF_HOUR_SECONDS;
    return this.area === 'regional'
      ? row.fetched_at_s >= end && row.forecast !== null
      : row.fetched_at_s >= end + SETTLE_WAIT_SECONDS;
  }

  private rows(fromS: number, toS: number): Map<number, SlotRow> {
    const list = this.db
      .prepare(
        'SELECT from_s, forecast, actual, fetched_at_s FROM history_carbon_slots WHERE area = ? AND from_s >= ? AND from_s < ?'
      )
      .all(this.area, fromS, toS) as SlotRow[];
    return new Map(list.map((r) => [r.from_s, r]));
  }

  /** Fetches the slots of [from, to) that are missing or not final, in one range call. Never throws. */
  async ensure(fromS: number, toS: number): Promise<void> {
    const have = this.rows(fromS, toS);
    let first: number | undefined;
    let last: number | undefined;
    for (let t = fromS; t < toS; t += HALF_HOUR_SECONDS) {
      if (this.final(have.get(t))) continue;
      first ??= t;
      last = t;
    }
    if (first === undefined || last === undefined) return;
    const before = this.carbon.stats.requests;
    try {
      const slots = await this.carbon.range(this.area, first, last + HALF_HOUR_SECONDS);
      const now = this.now();
      const put = this.db
        .prepare(`INSERT INTO history_carbon_slots (area, from_s, forecast, actual, fetched_at_s) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (area, from_s) DO UPDATE SET forecast = excluded.forecast, actual = excluded.actual, fetched_at_s = excluded.fetched_at_s`);
      this.db.transaction(() => {
        for (const s of slots)
          if (s.fromSeconds >= first && s.fromSeconds <= last)
            put.run(this.area, s.fromSeconds, s.forecast, s.actual, now);
      })();
      this.lastError = undefined;
    } catch (err) {
      this.lastError = (err as Error).message;
    } finally {
      this.requests += this.carbon.stats.requests - before;
    }
  }

  /** A lookup for [from, to): actual, else forecast, else the flagged fallback. */
  lookup(fromS: number, toS: number): (slotFromSeconds: number) => SlotIntensity {
    const have = this.rows(fromS, toS);
    return (t) => {
      const r = have.get(t - (t % HALF_HOUR_SECONDS));
      if (r?.actual != null) return { gramsPerKwh: r.actual, source: 'actual' };
      if (r?.forecast != null) return { gramsPerKwh: r.forecast, source: 'forecast' };
      return { gramsPerKwh: this.fallbackGramsPerKwh, source: 'fallback' };
    };
  }
}
