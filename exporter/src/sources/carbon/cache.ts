// Response cache of the carbon client: fresh answers by path, plus every half-hour seen for the stale fallback.
import { slotContaining, slotStart } from '../../model/slots';
import type { ParsedResponse, RegionInfo } from './parse';
import { valueOf } from './reading';
import type { Area, CarbonSlot } from './types';

/** Cached half-hours older than this are forgotten. */
const KEEP_SLOTS_SECONDS = 2 * 86400;

interface CacheEntry {
  fetchedAtSeconds: number;
  area: Area;
  result: Promise<ParsedResponse>;
  settled?: ParsedResponse;
}

export interface KnownSlot {
  slot: CarbonSlot;
  region?: RegionInfo;
  fetchedAtSeconds: number;
}

export class ResponseCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly known: Record<Area, Map<number, KnownSlot>> = { national: new Map(), regional: new Map() };

  constructor(
    private readonly cacheSeconds: number,
    private readonly now: () => number
  ) {}

  /** A successful response younger than cacheSeconds whose slots cover `at`. */
  freshSlot(area: Area, at: number, now: number): { slot: CarbonSlot; region?: RegionInfo } | undefined {
    this.prune(now);
    for (const entry of this.entries.values()) {
      if (entry.area !== area || !entry.settled) continue;
      const slot = slotContaining(entry.settled.slots, at);
      if (slot && valueOf(slot) !== null) return { slot, region: entry.settled.region };
    }
    return undefined;
  }

  /** Any half-hour covering `at` seen within KEEP_SLOTS_SECONDS, however old the answer. */
  knownSlot(area: Area, at: number): KnownSlot | undefined {
    const hit = this.known[area].get(slotStart(at));
    return hit && valueOf(hit.slot) !== null ? hit : undefined;
  }

  /** Cached GET of one API path; concurrent callers share one request. */
  get(area: Area, path: string, fetch: () => Promise<ParsedResponse>): Promise<ParsedResponse> {
    const now = this.now();
    this.prune(now);
    const hit = this.entries.get(path);
    if (hit && now - hit.fetchedAtSeconds < this.cacheSeconds) return hit.result;
    const entry: CacheEntry = { fetchedAtSeconds: now, area, result: fetch() };
    this.entries.set(path, entry);
    entry.result.then(
      (parsed) => {
        entry.settled = parsed;
        this.remember(area, parsed, now);
      },
      () => {
        if (this.entries.get(path) === entry) this.entries.delete(path); // never cache a failure
      }
    );
    return entry.result;
  }

  private prune(now: number): void {
    for (const [path, entry] of this.entries) {
      if (now - entry.fetchedAtSeconds >= this.cacheSeconds) this.entries.delete(path);
    }
  }

  private remember(area: Area, parsed: ParsedResponse, fetchedAtSeconds: number): void {
    const store = this.known[area];
    // parsed.slots all have a value: a valueless row never reaches here, so it cannot displace a known one
    for (const slot of parsed.slots) store.set(slot.fromSeconds, { slot, region: parsed.region, fetchedAtSeconds });
    const horizon = this.now() - KEEP_SLOTS_SECONDS;
    for (const [from, k] of store) if (k.slot.toSeconds < horizon) store.delete(from);
  }
}
