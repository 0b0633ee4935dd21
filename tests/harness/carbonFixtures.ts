// The recorded Carbon Intensity fixtures re-timed onto any half-hour, for the replay server (carbonServer.ts) and
// for tests predicting its values: national rows by time of day, regional rows cycling the recorded window.
// It parses times itself (not with the exporter's slots.ts) so that it stays an independent oracle.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CARBON_INTENSITY_FIXTURES } from '../fixtures/paths';

export type CarbonArea = 'national' | 'regional';

export const DEFAULT_CARBON_FIXTURES_DIR = CARBON_INTENSITY_FIXTURES;
export const SLOT = 1800;
export const DAY = 86400;

export interface RecordedRow {
  forecast: number;
  actual: number | null;
  index: string;
  generationmix?: unknown;
}
export interface RegionRecord {
  regionid: number;
  dnoregion: string;
  shortname: string;
}
export interface Tables {
  nationalByHalfHourOfDay: RecordedRow[];
  regionalCycle: RecordedRow[];
  regionsById: Map<number, RegionRecord>;
  regionIdByPostcode: Map<string, number>;
  error400: string;
  error500: string;
  factors: string;
}

const tablesByDir = new Map<string, Tables>();

export function loadTables(dir: string): Tables {
  const cached = tablesByDir.get(dir);
  if (cached) return cached;
  const read = (name: string): string => readFileSync(resolve(dir, name), 'utf8');
  type Row = {
    from: string;
    intensity: { forecast: number; actual?: number | null; index: string };
    generationmix?: unknown;
  };
  const range = JSON.parse(read('national_range_24h.json')) as { data: Row[] };
  const national: RecordedRow[] = [];
  for (const row of range.data) {
    // keyed by time of day; the later of two rows for the same half-hour wins
    national[halfHourOfDay(parseTime(row.from))] = {
      forecast: row.intensity.forecast,
      actual: row.intensity.actual ?? null,
      index: row.intensity.index,
    };
  }
  if (national.length !== 48 || national.some((r) => r === undefined))
    throw new Error(`${dir}: national_range_24h does not cover a whole day`);
  const fw48 = JSON.parse(read('regional_fw48h_postcode.json')) as {
    data: RegionRecord & { postcode: string; data: Row[] };
  };
  const current = JSON.parse(read('regional_postcode_current.json')) as {
    data: Array<RegionRecord & { postcode: string }>;
  };
  const regionsById = new Map<number, RegionRecord>();
  const regionIdByPostcode = new Map<string, number>();
  for (const r of [fw48.data, ...current.data]) {
    regionsById.set(r.regionid, { regionid: r.regionid, dnoregion: r.dnoregion, shortname: r.shortname });
    regionIdByPostcode.set(r.postcode.toUpperCase(), r.regionid);
  }
  const tables: Tables = {
    nationalByHalfHourOfDay: national,
    regionalCycle: fw48.data.data.map((r) => ({
      forecast: r.intensity.forecast,
      actual: null,
      index: r.intensity.index,
      generationmix: r.generationmix,
    })),
    regionsById,
    regionIdByPostcode,
    error400: read('error_400.json'),
    error500: read('error_500.json'),
    factors: read('intensity_factors.json'),
  };
  tablesByDir.set(dir, tables);
  return tables;
}

function halfHourOfDay(slotFrom: number): number {
  return Math.floor((((slotFrom % DAY) + DAY) % DAY) / SLOT);
}

export function recordedRow(t: Tables, area: CarbonArea, slotFrom: number): RecordedRow {
  if (area === 'national') return t.nationalByHalfHourOfDay[halfHourOfDay(slotFrom)]!;
  const n = t.regionalCycle.length;
  return t.regionalCycle[(((slotFrom / SLOT) % n) + n) % n]!;
}

/**
 * The value a client should report for the half-hour starting at slotFrom (actual ?? forecast). National slots are
 * settled (have `actual`) once they have ended by `nowSeconds` (default: the real clock, as the server's default).
 */
export function expectedIntensity(
  area: CarbonArea,
  slotFromSeconds: number,
  nowSeconds = Date.now() / 1000,
  fixturesDir = DEFAULT_CARBON_FIXTURES_DIR
): number {
  const slotFrom = Math.floor(slotFromSeconds / SLOT) * SLOT;
  const row = recordedRow(loadTables(fixturesDir), area, slotFrom);
  return isSettled(area, slotFrom, nowSeconds) && row.actual !== null ? row.actual : row.forecast;
}

export function isSettled(area: CarbonArea, slotFrom: number, now: number): boolean {
  return area === 'national' && slotFrom + SLOT <= now;
}

// YYYY-MM-DD, or YYYY-MM-DDThh:mm[:ss]Z, as the API accepts
const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?Z)?$/;
export function parseTime(text: string): number {
  const m = TIME_RE.exec(text);
  if (!m) return NaN;
  const n = m.slice(1).map((x) => Number(x ?? 0));
  const ms = Date.UTC(n[0]!, n[1]! - 1, n[2], n[3], n[4], n[5]);
  return new Date(ms).getUTCDate() === n[2] && n[3]! < 24 && n[4]! < 60 ? ms / 1000 : NaN;
}
export const fmt = (s: number): string => new Date(s * 1000).toISOString().slice(0, 16) + 'Z';
