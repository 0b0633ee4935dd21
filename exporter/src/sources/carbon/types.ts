// Public types of the carbon intensity source.
import type { IntensitySlot } from '../../model/slots';

export type Area = 'national' | 'regional';

export interface IntensityReading {
  area: Area;
  gramsPerKwh: number;
  fromSeconds: number;
  toSeconds: number;
  source: 'actual' | 'forecast' | 'fallback';
  /** true iff source === 'fallback' */
  fallback: boolean;
  region?: { id: number; name: string; postcode?: string };
  /** why the fallback (or a stale cached value) was used */
  error?: string;
  /** the answer held this many differing rows for the half-hour (see resolveSlots); absent when it held one */
  conflictingRows?: number;
}

/** A half-hour as the client hands it out: always with a value (actual or forecast). */
export interface CarbonSlot extends IntensitySlot {
  /** set when the answer held this many rows with different intensities for the half-hour; the winner is kept */
  conflictingRows?: number;
}

export interface CarbonClientOptions {
  /** default https://api.carbonintensity.org.uk */
  baseUrl?: string;
  /** outward code (OX11); a full postcode is cut to its outward part */
  postcode?: string;
  /** region 1..17 for the regional area when no postcode is set; with a postcode, the answer must be this region */
  regionId?: number;
  timeoutSeconds: number;
  /** default 300 */
  cacheSeconds?: number;
  fallbackGramsPerKwh: number;
  /** unix seconds; injectable clock */
  now?: () => number;
  userAgent?: string;
}

export interface CarbonClientStats {
  requests: number;
  /** failed requests (network, HTTP, garbage, empty) plus current() calls whose slot was missing */
  failures: number;
  lastSuccessSeconds?: number;
  lastError?: string;
  lastDurationSeconds: number;
  /** half-hours, summed over every answer received, that came with conflicting rows (see resolveSlots) */
  conflictingSlots: number;
}
