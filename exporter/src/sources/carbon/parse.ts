// Pure decoding and validation of GB Carbon Intensity API bodies into IntensitySlot rows.
import { IntensitySlot, parseApiTime, SLOT_SECONDS } from '../../model/slots';
import { CarbonIntensityError } from './errors';
import type { CarbonSlot } from './types';

/** Anything outside this band (gCO2/kWh) is not a plausible GB grid intensity: treat the body as garbage. */
export const MAX_PLAUSIBLE_GRAMS_PER_KWH = 2000;

export interface RegionInfo {
  id: number;
  name: string;
  postcode?: string;
}

export interface ParsedResponse {
  /** one per half-hour, ascending, each with a value; see resolveSlots */
  slots: CarbonSlot[];
  /** starts of half-hours that came only as rows without any intensity (dropped from slots) */
  valueless: number[];
  /** how many of slots came with conflicting rows */
  conflictingSlots: number;
  region?: RegionInfo;
}

type Json = unknown;
const isObject = (x: Json): x is Record<string, Json> => typeof x === 'object' && x !== null && !Array.isArray(x);

function garbage(message: string): never {
  throw new CarbonIntensityError('parse', message);
}

function intensityValue(raw: Json, field: string, where: string): number | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'number' || !Number.isFinite(raw))
    garbage(`${where}: ${field} is not a number (${JSON.stringify(raw)})`);
  if (raw < 0 || raw > MAX_PLAUSIBLE_GRAMS_PER_KWH) {
    garbage(`${where}: ${field} ${raw} g/kWh is outside 0..${MAX_PLAUSIBLE_GRAMS_PER_KWH}`);
  }
  return raw;
}

function parseRow(raw: Json, i: number): IntensitySlot {
  const where = `row ${i}`;
  if (!isObject(raw)) garbage(`${where} is not an object`);
  if (typeof raw.from !== 'string' || typeof raw.to !== 'string') garbage(`${where} has no from/to strings`);
  let fromSeconds: number;
  let toSeconds: number;
  try {
    fromSeconds = parseApiTime(raw.from);
    toSeconds = parseApiTime(raw.to);
  } catch (err) {
    garbage(`${where}: ${(err as Error).message}`);
  }
  if (toSeconds - fromSeconds !== SLOT_SECONDS || fromSeconds % SLOT_SECONDS !== 0) {
    garbage(`${where}: ${raw.from}..${raw.to} is not a half-hour slot`);
  }
  if (!isObject(raw.intensity)) garbage(`${where} has no intensity object`);
  const slot: IntensitySlot = {
    fromSeconds,
    toSeconds,
    forecast: intensityValue(raw.intensity.forecast, 'forecast', where),
    actual: intensityValue(raw.intensity.actual, 'actual', where),
  };
  if (typeof raw.intensity.index === 'string') slot.index = raw.intensity.index;
  return slot;
}

function parseRows(raw: Json): Omit<ParsedResponse, 'region'> {
  if (!Array.isArray(raw)) garbage('data is not an array of half-hours');
  if (raw.length === 0) throw new CarbonIntensityError('empty', 'response has no half-hours');
  return resolveSlots(raw.map(parseRow));
}

/**
 * One slot per half-hour out of rows that may repeat a `from` (the API has sent duplicates).
 * - A row with neither actual nor forecast carries nothing: it is dropped, so it can never stand in for (or
 *   overwrite) a known value; its half-hour stays unknown, never 0.
 * - Rows with the same actual and forecast are one row (identical duplicates are not conflicts).
 * - Rows that differ are a conflict, settled whatever their order: a row with an actual beats a forecast-only one
 *   (settled data beats a prediction); among equals the higher actual ?? forecast wins, then the higher forecast,
 *   because overstating emissions is the safe error for a carbon report. The winner carries conflictingRows.
 */
export function resolveSlots(rows: readonly IntensitySlot[]): Omit<ParsedResponse, 'region'> {
  const byFrom = new Map<number, IntensitySlot[]>();
  const valueless = new Set<number>();
  for (const row of rows) {
    if (row.actual === null && row.forecast === null) {
      valueless.add(row.fromSeconds);
      continue;
    }
    const variants = byFrom.get(row.fromSeconds) ?? [];
    if (!variants.some((v) => v.actual === row.actual && v.forecast === row.forecast)) variants.push(row);
    byFrom.set(row.fromSeconds, variants);
  }
  const slots: CarbonSlot[] = [];
  let conflictingSlots = 0;
  for (const variants of byFrom.values()) {
    const winner: CarbonSlot = { ...variants.reduce((a, b) => (preferred(b, a) ? b : a)) };
    if (variants.length > 1) {
      winner.conflictingRows = variants.length;
      conflictingSlots++;
    }
    slots.push(winner);
  }
  slots.sort((a, b) => a.fromSeconds - b.fromSeconds);
  return { slots, valueless: [...valueless].filter((t) => !byFrom.has(t)).sort((a, b) => a - b), conflictingSlots };
}

/** true when a beats b under the rule of resolveSlots (a strict order on rows with distinct values) */
function preferred(a: IntensitySlot, b: IntensitySlot): boolean {
  if ((a.actual !== null) !== (b.actual !== null)) return a.actual !== null;
  const va = (a.actual ?? a.forecast)!;
  const vb = (b.actual ?? b.forecast)!;
  if (va !== vb) return va > vb;
  return (a.forecast ?? -1) > (b.forecast ?? -1);
}

function parseRegion(raw: Record<string, Json>): RegionInfo {
  if (typeof raw.regionid !== 'number' || !Number.isInteger(raw.regionid)) garbage('region has no numeric regionid');
  const region: RegionInfo = {
    id: raw.regionid,
    name: typeof raw.shortname === 'string' ? raw.shortname : `region ${raw.regionid}`,
  };
  if (typeof raw.postcode === 'string') region.postcode = raw.postcode;
  return region;
}

export function parseJson(text: string): Json {
  try {
    return JSON.parse(text);
  } catch {
    const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 80);
    return garbage(`response is not JSON: ${snippet ? JSON.stringify(snippet) : '(empty body)'}`);
  }
}

/** National /intensity... bodies: {"data":[{from,to,intensity:{forecast,actual,index}}]} */
export function parseNational(body: Json): ParsedResponse {
  if (!isObject(body) || !('data' in body)) garbage('response has no "data"');
  return parseRows(body.data);
}

/**
 * Regional bodies. /regional/intensity/... gives "data" as ONE region object; /regional/postcode|regionid gives an
 * array holding one region. Both carry the half-hours in the region's own "data".
 */
export function parseRegional(body: Json): ParsedResponse {
  if (!isObject(body) || !('data' in body)) garbage('response has no "data"');
  let region: Json = body.data;
  if (Array.isArray(region)) {
    if (region.length === 0) throw new CarbonIntensityError('empty', 'response has no region');
    region = region[0];
  }
  if (!isObject(region)) garbage('regional "data" is neither a region object nor an array of one');
  return { region: parseRegion(region), ...parseRows(region.data) };
}

/** {"error":{"code","message"}} -> "400 Bad Request: message", or undefined if the body is not that envelope. */
export function apiErrorText(text: string): string | undefined {
  try {
    const body: Json = JSON.parse(text);
    if (isObject(body) && isObject(body.error)) {
      const { code, message } = body.error;
      return [code, message].filter((x) => typeof x === 'string' && x !== '').join(': ') || undefined;
    }
  } catch {
    // not JSON
  }
  return undefined;
}
