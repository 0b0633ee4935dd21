export { CarbonIntensityClient, DEFAULT_CARBON_BASE_URL, DEFAULT_CARBON_CACHE_SECONDS } from './client';
export type { Area, CarbonClientOptions, CarbonClientStats, CarbonSlot, IntensityReading } from './types';
export { CarbonIntensityError } from './errors';
export type { CarbonIntensityErrorKind } from './errors';
export { apiErrorText, MAX_PLAUSIBLE_GRAMS_PER_KWH, parseNational, parseRegional, resolveSlots } from './parse';
export type { ParsedResponse, RegionInfo } from './parse';
export { outwardCode } from './postcode';
export type { IntensitySlot } from '../../model/slots';
