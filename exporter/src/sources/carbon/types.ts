// Public types of the carbon intensity source.

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
}
