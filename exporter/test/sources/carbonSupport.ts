// Shared setup of the CarbonIntensityClient tests against the replay server (tests/harness/carbonServer.ts).
import { CarbonClientOptions, CarbonIntensityClient } from '../../src/sources/carbon';

export const T = (iso: string): number => Date.parse(iso) / 1000;
export const FALLBACK = 129;
/** the clock every test starts from: inside the 10:00 half-hour of the recorded day */
export const START = T('2024-03-10T10:07:00Z');

export function carbonClient(
  baseUrl: string,
  now: () => number,
  extra: Partial<CarbonClientOptions> = {}
): CarbonIntensityClient {
  return new CarbonIntensityClient({
    baseUrl,
    timeoutSeconds: 2,
    cacheSeconds: 300,
    fallbackGramsPerKwh: FALLBACK,
    now,
    ...extra,
  });
}
