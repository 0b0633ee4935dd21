// GB Carbon Intensity API client. current() never throws: real data, else cached real data, else a flagged fallback.
import { dedupeSlots, formatApiTime, slotContaining, slotStart, splitRange } from '../../model/slots';
import { excerpt, httpRequest, joinUrl, TransportError } from '../http';
import { ResponseCache } from './cache';
import { CarbonIntensityError } from './errors';
import {
  apiErrorText,
  MAX_PLAUSIBLE_GRAMS_PER_KWH,
  ParsedResponse,
  parseJson,
  parseNational,
  parseRegional,
  RegionInfo,
} from './parse';
import { forwardPath, rangePath, RegionTarget } from './paths';
import { outwardCode } from './postcode';
import { errorText, fallbackReading, slotReading, withPath } from './reading';
import type { Area, CarbonClientOptions, CarbonClientStats, CarbonSlot, IntensityReading } from './types';

export const DEFAULT_CARBON_BASE_URL = 'https://api.carbonintensity.org.uk';
export const DEFAULT_CARBON_CACHE_SECONDS = 300;
/** First pause after a failed current() fetch; doubles per consecutive failure, capped at cacheSeconds. */
const FAILURE_BACKOFF_SECONDS = 15;
/** Same-origin hops followed before giving up; the API itself never redirects, so a few is plenty. */
const MAX_REDIRECTS = 3;
export class CarbonIntensityClient {
  readonly stats: CarbonClientStats = { requests: 0, failures: 0, lastDurationSeconds: 0, conflictingSlots: 0 };
  private readonly baseUrl: string;
  /** the only origin answers are taken from: a redirect elsewhere could hand us any server's numbers */
  private readonly origin: string;
  private readonly cacheSeconds: number;
  private readonly postcode?: string;
  private readonly now: () => number;
  private readonly cache: ResponseCache;
  private readonly target: RegionTarget;
  private readonly backoff: Record<Area, { failures: number; notBeforeSeconds: number; error?: string }> = {
    national: { failures: 0, notBeforeSeconds: -Infinity },
    regional: { failures: 0, notBeforeSeconds: -Infinity },
  };
  private lastRegion?: RegionInfo;

  constructor(private readonly opts: CarbonClientOptions) {
    this.baseUrl = (opts.baseUrl ?? DEFAULT_CARBON_BASE_URL).replace(/\/+$/, '');
    try {
      this.origin = new URL(this.baseUrl).origin;
    } catch {
      throw new RangeError(`baseUrl is not an absolute URL: ${JSON.stringify(this.baseUrl)}`);
    }
    this.cacheSeconds = opts.cacheSeconds ?? DEFAULT_CARBON_CACHE_SECONDS;
    this.now = opts.now ?? ((): number => Date.now() / 1000);
    if (opts.postcode !== undefined && opts.postcode.trim() !== '') this.postcode = outwardCode(opts.postcode);
    if (!(opts.timeoutSeconds > 0)) throw new RangeError(`timeoutSeconds must be > 0, got ${opts.timeoutSeconds}`);
    if (!(this.cacheSeconds >= 0)) throw new RangeError(`cacheSeconds must be >= 0, got ${this.cacheSeconds}`);
    if (!(opts.fallbackGramsPerKwh >= 0 && opts.fallbackGramsPerKwh <= MAX_PLAUSIBLE_GRAMS_PER_KWH)) {
      throw new RangeError(
        `fallbackGramsPerKwh must be within 0..${MAX_PLAUSIBLE_GRAMS_PER_KWH}, got ${opts.fallbackGramsPerKwh}`
      );
    }
    if (opts.regionId !== undefined && !(Number.isInteger(opts.regionId) && opts.regionId >= 1)) {
      throw new RangeError(`regionId must be a positive integer, got ${opts.regionId}`);
    }
    this.cache = new ResponseCache(this.cacheSeconds, this.now);
    this.target = { postcode: this.postcode, regionId: opts.regionId };
  }

  /** The outward code used for regional requests, if any. */
  get outwardPostcode(): string | undefined {
    return this.postcode;
  }

  async current(area: Area, atSeconds?: number): Promise<IntensityReading> {
    const now = this.now();
    const at = atSeconds ?? now;
    const fresh = this.cache.freshSlot(area, at, now);
    if (fresh) return slotReading(area, fresh.slot, fresh.region);

    const backoff = this.backoff[area];
    let reason: string;
    if (now < backoff.notBeforeSeconds) {
      reason = `${backoff.error ?? 'earlier failure'} (next attempt after ${formatApiTime(backoff.notBeforeSeconds)})`;
    } else {
      try {
        const parsed = await this.get(area, forwardPath(area, slotStart(at), 24, this.target));
        const slot = slotContaining(parsed.slots, at);
        if (!slot && parsed.valueless.includes(slotStart(at))) {
          throw new CarbonIntensityError(
            'empty',
            `half-hour ${formatApiTime(slotStart(at))} has neither actual nor forecast`
          );
        }
        if (!slot)
          throw new CarbonIntensityError('empty', `no half-hour covering ${formatApiTime(at)} in the response`);
        backoff.failures = 0;
        backoff.notBeforeSeconds = -Infinity;
        return slotReading(area, slot, parsed.region);
      } catch (err) {
        reason = errorText(err);
        // fetch() has already counted failures of the request itself (those carry the path)
        if (!(err instanceof CarbonIntensityError && err.path)) this.noteFailure(reason);
        backoff.failures++;
        backoff.error = reason;
        const pause = Math.min(this.cacheSeconds, FAILURE_BACKOFF_SECONDS * 2 ** (backoff.failures - 1));
        backoff.notBeforeSeconds = now + pause;
      }
    }
    const stale = this.cache.knownSlot(area, at);
    if (stale) {
      const age = Math.round(now - stale.fetchedAtSeconds);
      return slotReading(area, stale.slot, stale.region, `API unavailable, using data fetched ${age}s ago: ${reason}`);
    }
    return fallbackReading(area, at, this.opts.fallbackGramsPerKwh, reason, this.lastRegion);
  }

  async forecast(area: Area, fromSeconds: number, hours: 24 | 48): Promise<CarbonSlot[]> {
    if (hours !== 24 && hours !== 48) throw new RangeError(`hours must be 24 or 48, got ${String(hours)}`);
    const from = slotStart(fromSeconds);
    const parsed = await this.get(area, forwardPath(area, from, hours, this.target));
    const slots = dedupeSlots(parsed.slots.filter((s) => s.fromSeconds >= from && s.fromSeconds < from + hours * 3600));
    if (slots.length === 0) {
      const err = new CarbonIntensityError(
        'empty',
        `no half-hours from ${formatApiTime(from)} in the ${hours}h forecast`
      );
      this.noteFailure(err.message);
      throw err;
    }
    return slots;
  }

  async range(area: Area, fromSeconds: number, toSeconds: number): Promise<CarbonSlot[]> {
    const all: CarbonSlot[] = [];
    // sequential on purpose: the API's rate limit is unpublished
    for (const [a, b] of splitRange(fromSeconds, toSeconds, 14)) {
      const path = rangePath(area, a, b, this.target);
      const parsed = await this.get(area, path);
      const inWindow = parsed.slots.filter((s) => s.toSeconds > a && s.fromSeconds < b);
      if (inWindow.length === 0) {
        const err = new CarbonIntensityError(
          'empty',
          `no half-hours between ${formatApiTime(a)} and ${formatApiTime(b)}`,
          { path }
        );
        this.noteFailure(`${path}: ${err.message}`);
        throw err;
      }
      all.push(...inWindow);
    }
    return dedupeSlots(all);
  }

  // --- internals -------------------------------------------------------------------------------------------------

  /** Cached GET of one API path; concurrent callers share one request. */
  private get(area: Area, path: string): Promise<ParsedResponse> {
    return this.cache.get(area, path, () => this.fetch(area, path));
  }

  private async fetch(area: Area, path: string): Promise<ParsedResponse> {
    this.stats.requests++;
    try {
      let res;
      try {
        res = await httpRequest({
          method: 'GET',
          url: joinUrl(this.baseUrl, path),
          timeoutSeconds: this.opts.timeoutSeconds,
          maxBytes: 64 * 1024 * 1024,
          headers: { Accept: 'application/json', 'User-Agent': this.opts.userAgent ?? 'ada-carbon-exporter' },
          redirects: { max: MAX_REDIRECTS, check: (target, status) => this.checkRedirect(target, status) },
        });
      } catch (err) {
        if (err instanceof TransportError) {
          this.stats.lastDurationSeconds = err.durationSeconds;
          throw new CarbonIntensityError(err.kind, err.message, { path });
        }
        if (err instanceof CarbonIntensityError) throw new CarbonIntensityError(err.kind, err.message, { path });
        throw err;
      }
      this.stats.lastDurationSeconds = res.durationSeconds;
      if (res.status < 200 || res.status >= 300) {
        const detail = apiErrorText(res.text) ?? (excerpt(res.text) || '(empty body)');
        throw new CarbonIntensityError('http', `HTTP ${res.status}: ${detail}`, { status: res.status, path });
      }
      const parsed = withPath(path, () => {
        const body = parseJson(res.text);
        return area === 'national' ? parseNational(body) : parseRegional(body);
      });
      if (parsed.region && this.opts.regionId !== undefined && parsed.region.id !== this.opts.regionId) {
        throw new CarbonIntensityError(
          'api',
          `answer is for region ${parsed.region.id} (${parsed.region.name}), expected ${this.opts.regionId}`,
          { path }
        );
      }
      if (parsed.region) this.lastRegion = parsed.region;
      this.stats.conflictingSlots += parsed.conflictingSlots;
      this.stats.lastSuccessSeconds = this.now();
      return parsed;
    } catch (err) {
      this.noteFailure(`${path}: ${errorText(err)}`);
      throw err;
    }
  }

  /** A same-origin hop is the trusted server moving a path; a hop elsewhere is refused before it is requested. */
  private checkRedirect(target: string, status: number): void {
    const origin = new URL(target).origin;
    if (origin !== this.origin) {
      throw new CarbonIntensityError(
        'redirect',
        `HTTP ${status} redirect to ${origin} refused: only ${this.origin} is trusted`
      );
    }
  }

  private noteFailure(text: string): void {
    this.stats.failures++;
    this.stats.lastError = text;
  }
}
