/**
 * Greener-choices samples -> forecast model: the half-hourly grid forecast of one area for the next 48 h, the greenest
 * window per job length, and the projected saving of shutting the site's idle workspaces down. Pure: the clock is an
 * argument.
 */
import { GreenSample } from './frames';
import { UNKNOWN_LABEL } from './metrics';

export const SLOT_MINUTES = 30;
export const SLOT_MS = SLOT_MINUTES * 60_000;
/** The exporter publishes at most 96 half-hours (48 h) per area. */
export const HORIZON_SLOTS = 96;

export interface ForecastSlot {
  /** Minutes from the start of the current half-hour (the exporter's offset_minutes label). */
  offsetMinutes: number;
  startMs: number;
  /** null: the exporter published no value for this half-hour (a gap in the forecast). */
  gramsPerKwh: number | null;
  /** Durations (e.g. "3h") whose greenest window covers this half-hour. */
  windows: string[];
}

export interface GreenWindow {
  /** The exporter's duration label, e.g. "1h", "3h", "1h30m". */
  duration: string;
  durationSeconds: number | null;
  /** False when the exporter says there is no advice (available 0) or published no start time. */
  available: boolean;
  startMs: number | null;
  meanGramsPerKwh: number | null;
  /** Share of carbon saved (0-1) against starting now; null when unknown. */
  savingRatio: number | null;
  /** Index into slots of the window's first half-hour; null when it lies outside the forecast. */
  firstSlot: number | null;
  slotCount: number | null;
}

export interface IdleShutdownSavings {
  /** Summed over the projects of the site; null when the metric is absent. */
  gramsPerDay: number | null;
  joulesPerDay: number | null;
  idleWorkspaces: number | null;
}

export interface ForecastDiagnostics {
  duplicateSeries: number;
  invalidValues: number;
  /** Forecast or window series whose offset_minutes or duration label cannot be read. */
  unreadableLabels: number;
}

export interface ForecastModel {
  /** The area shown: the requested one when present, else the first seen; null without forecast or window data. */
  area: string | null;
  areas: string[];
  /** From offset 0 to the last published offset, gaps as null; empty without a forecast. */
  slots: ForecastSlot[];
  missingSlots: number;
  minGramsPerKwh: number | null;
  maxGramsPerKwh: number | null;
  /** Sorted by duration, shortest first. */
  windows: GreenWindow[];
  savings: IdleShutdownSavings | null;
  /** Any greener-choices data at all; without it the panel shows nothing of this and no error. */
  hasData: boolean;
  diagnostics: ForecastDiagnostics;
}

export interface ForecastOptions {
  /** The area to show ('' or absent: the first one in the data). */
  area?: string;
  /** The instant the queries were evaluated at; offsets count from the start of its half-hour. */
  nowMs: number;
}

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?$/;

/** "3h" -> 10800, "1h30m" -> 5400, "30m" -> 1800; null when unreadable. */
export function parseDurationSeconds(label: string): number | null {
  const m = DURATION.exec(label.trim());
  if (!m || (m[1] === undefined && m[2] === undefined)) {
    return null;
  }
  const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60;
  return seconds > 0 ? seconds : null;
}

export function halfHourStartMs(ms: number): number {
  return Math.floor(ms / SLOT_MS) * SLOT_MS;
}

const areaOf = (s: GreenSample): string => s.labels['area']?.trim() || UNKNOWN_LABEL;

const WINDOW_METRICS = new Set<GreenSample['metric']>([
  'windowStartTimestampSeconds',
  'windowMeanGramsPerKwh',
  'windowSavingRatio',
  'windowAvailable',
]);

interface WindowParts {
  start?: number | null;
  mean?: number | null;
  saving?: number | null;
  available?: number | null;
}

const PART_OF: Record<string, keyof WindowParts> = {
  windowStartTimestampSeconds: 'start',
  windowMeanGramsPerKwh: 'mean',
  windowSavingRatio: 'saving',
  windowAvailable: 'available',
};

function pickArea(
  samples: readonly GreenSample[],
  wanted: string | undefined
): { area: string | null; areas: string[] } {
  const areas: string[] = [];
  for (const s of samples) {
    if (s.metric === 'forecastGramsPerKwh' || WINDOW_METRICS.has(s.metric)) {
      const a = areaOf(s);
      if (!areas.includes(a)) {
        areas.push(a);
      }
    }
  }
  const w = wanted?.trim();
  return { area: w && areas.includes(w) ? w : (areas[0] ?? null), areas };
}

function sumOrNull(samples: readonly GreenSample[], diagnostics: ForecastDiagnostics): number | null {
  if (samples.length === 0) {
    return null;
  }
  let total = 0;
  for (const s of samples) {
    if (s.value === null) {
      diagnostics.invalidValues++;
    } else {
      total += s.value;
    }
  }
  return total;
}

function buildSavings(samples: readonly GreenSample[], diagnostics: ForecastDiagnostics): IdleShutdownSavings | null {
  const of = (metric: GreenSample['metric']) => samples.filter((s) => s.metric === metric);
  const grams = of('idleSavingGramsPerDay');
  const joules = of('idleSavingJoulesPerDay');
  const idle = of('idleWorkspaces');
  if (grams.length + joules.length + idle.length === 0) {
    return null;
  }
  return {
    gramsPerDay: sumOrNull(grams, diagnostics),
    joulesPerDay: sumOrNull(joules, diagnostics),
    idleWorkspaces: sumOrNull(idle, diagnostics),
  };
}

function buildSlots(samples: readonly GreenSample[], baseMs: number, diagnostics: ForecastDiagnostics): ForecastSlot[] {
  const values = new Map<number, number | null>();
  for (const s of samples) {
    const offset = Number(s.labels['offset_minutes']);
    const index = offset / SLOT_MINUTES;
    if (!Number.isInteger(index) || index < 0 || index >= HORIZON_SLOTS) {
      diagnostics.unreadableLabels++;
      continue;
    }
    if (s.value === null) {
      diagnostics.invalidValues++;
    }
    if (values.has(index)) {
      diagnostics.duplicateSeries++;
      // Replicas publish the same forecast; a real value beats a missing one.
      if (values.get(index) !== null) {
        continue;
      }
    }
    values.set(index, s.value);
  }
  if (values.size === 0) {
    return [];
  }
  const last = Math.max(...values.keys());
  return Array.from({ length: last + 1 }, (_, i) => ({
    offsetMinutes: i * SLOT_MINUTES,
    startMs: baseMs + i * SLOT_MS,
    gramsPerKwh: values.get(i) ?? null,
    windows: [],
  }));
}

function buildWindows(
  samples: readonly GreenSample[],
  baseMs: number,
  slots: ForecastSlot[],
  diagnostics: ForecastDiagnostics
): GreenWindow[] {
  const parts = new Map<string, WindowParts>();
  for (const s of samples) {
    const duration = s.labels['duration']?.trim();
    if (!duration) {
      diagnostics.unreadableLabels++;
      continue;
    }
    const entry = parts.get(duration) ?? {};
    const part = PART_OF[s.metric]!;
    if (s.value === null) {
      diagnostics.invalidValues++;
    }
    if (entry[part] !== undefined) {
      diagnostics.duplicateSeries++;
      if (entry[part] !== null) {
        continue;
      }
    }
    entry[part] = s.value;
    parts.set(duration, entry);
  }

  const windows = [...parts.entries()].map(([duration, p]): GreenWindow => {
    const durationSeconds = parseDurationSeconds(duration);
    const startMs = typeof p.start === 'number' ? p.start * 1000 : null;
    // available 0 means no advice even if a stale start lingers; without the flag, a start time is the advice.
    const available = p.available === undefined || p.available === null ? startMs !== null : p.available === 1;
    let firstSlot: number | null = null;
    let slotCount: number | null = null;
    if (available && startMs !== null && durationSeconds !== null) {
      const index = Math.round((startMs - baseMs) / SLOT_MS);
      slotCount = Math.ceil(durationSeconds / (SLOT_MINUTES * 60));
      if (index >= 0 && index < slots.length) {
        firstSlot = index;
        for (let i = index; i < Math.min(slots.length, index + slotCount); i++) {
          slots[i]!.windows.push(duration);
        }
      }
    }
    return {
      duration,
      durationSeconds,
      available: available && startMs !== null,
      startMs: available ? startMs : null,
      meanGramsPerKwh: available ? (p.mean ?? null) : null,
      savingRatio: available ? (p.saving ?? null) : null,
      firstSlot,
      slotCount,
    };
  });
  return windows.sort(
    (a, b) => (a.durationSeconds ?? Infinity) - (b.durationSeconds ?? Infinity) || a.duration.localeCompare(b.duration)
  );
}

export function buildForecastModel(samples: readonly GreenSample[], options: ForecastOptions): ForecastModel {
  const diagnostics: ForecastDiagnostics = { duplicateSeries: 0, invalidValues: 0, unreadableLabels: 0 };
  const { area, areas } = pickArea(samples, options.area);
  const baseMs = halfHourStartMs(options.nowMs);
  const inArea = (s: GreenSample) => area !== null && areaOf(s) === area;

  const slots = buildSlots(
    samples.filter((s) => s.metric === 'forecastGramsPerKwh' && inArea(s)),
    baseMs,
    diagnostics
  );
  const windows = buildWindows(
    samples.filter((s) => WINDOW_METRICS.has(s.metric) && inArea(s)),
    baseMs,
    slots,
    diagnostics
  );
  const savings = buildSavings(samples, diagnostics);

  const known = slots.flatMap((s) => (s.gramsPerKwh === null ? [] : [s.gramsPerKwh]));
  return {
    area,
    areas,
    slots,
    missingSlots: slots.length - known.length,
    minGramsPerKwh: known.length ? Math.min(...known) : null,
    maxGramsPerKwh: known.length ? Math.max(...known) : null,
    windows,
    savings,
    hasData: slots.length > 0 || windows.length > 0 || savings !== null,
    diagnostics,
  };
}
