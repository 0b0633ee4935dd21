// API paths the carbon client requests.
import { formatApiTime } from '../../model/slots';
import { CarbonIntensityError } from './errors';
import type { Area } from './types';

/** Where regional requests point: a postcode wins over a region id. */
export interface RegionTarget {
  postcode?: string;
  regionId?: number;
}

export function regionSelector(target: RegionTarget): string {
  if (target.postcode) return `/postcode/${encodeURIComponent(target.postcode)}`;
  if (target.regionId !== undefined) return `/regionid/${target.regionId}`;
  throw new CarbonIntensityError('api', 'regional intensity needs a postcode or regionId in the configuration');
}

/** Path of the forward window starting in the slot `from`; +1 minute so the API does not lead with the slot ending at `from`. */
export function forwardPath(area: Area, from: number, hours: 24 | 48, target: RegionTarget): string {
  const start = formatApiTime(from + 60);
  return area === 'national'
    ? `/intensity/${start}/fw${hours}h`
    : `/regional/intensity/${start}/fw${hours}h${regionSelector(target)}`;
}

/** Path of the half-hours between `a` and `b` (one chunk of a range request). */
export function rangePath(area: Area, a: number, b: number, target: RegionTarget): string {
  return area === 'national'
    ? `/intensity/${formatApiTime(a)}/${formatApiTime(b)}`
    : `/regional/intensity/${formatApiTime(a)}/${formatApiTime(b)}${regionSelector(target)}`;
}
