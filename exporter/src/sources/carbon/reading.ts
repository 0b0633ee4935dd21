// Readings and error text of the carbon client, kept apart from its I/O.
import { slotStart } from '../../model/slots';
import { CarbonIntensityError } from './errors';
import type { RegionInfo } from './parse';
import type { Area, CarbonSlot, IntensityReading } from './types';

export function valueOf(slot: CarbonSlot): number | null {
  return slot.actual ?? slot.forecast;
}

/** A reading from a half-hour with a value; `error` says why a stale one was used. */
export function slotReading(area: Area, slot: CarbonSlot, region?: RegionInfo, error?: string): IntensityReading {
  const value = valueOf(slot)!;
  const out: IntensityReading = {
    area,
    gramsPerKwh: value,
    fromSeconds: slot.fromSeconds,
    toSeconds: slot.toSeconds,
    source: slot.actual !== null ? 'actual' : 'forecast',
    fallback: false,
  };
  if (area === 'regional' && region) out.region = { ...region };
  if (slot.conflictingRows !== undefined) out.conflictingRows = slot.conflictingRows;
  if (error !== undefined) out.error = error;
  return out;
}

/** The configured fallback value for the half-hour covering `at`. */
export function fallbackReading(
  area: Area,
  at: number,
  gramsPerKwh: number,
  error: string,
  region?: RegionInfo
): IntensityReading {
  const from = slotStart(at);
  const out: IntensityReading = {
    area,
    gramsPerKwh,
    fromSeconds: from,
    toSeconds: from + 1800,
    source: 'fallback',
    fallback: true,
    error,
  };
  if (area === 'regional' && region) out.region = { ...region };
  return out;
}

export function errorText(err: unknown): string {
  if (err instanceof CarbonIntensityError) return `${err.kind}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** Runs `fn`, stamping `path` on a CarbonIntensityError that lacks one. */
export function withPath<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CarbonIntensityError && !err.path) {
      throw new CarbonIntensityError(err.kind, err.message, { status: err.status, path });
    }
    throw err;
  }
}
