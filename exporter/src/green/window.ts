// Greenest-window search over a half-hourly intensity forecast. Pure: no I/O, no clock.
import { SLOT_SECONDS, slotStart, type IntensitySlot } from '../model/slots';

export const FORECAST_HORIZON_SECONDS = 48 * 3600;

/** Why there is no window to advise. */
export type NoWindowReason = 'no_forecast' | 'longer_than_forecast' | 'gaps';

export interface WindowFound {
  kind: 'window';
  durationSeconds: number;
  /** start of the first half-hour of the window (unix seconds); the current slot's start means "start now" */
  startSeconds: number;
  endSeconds: number;
  meanGramsPerKwh: number;
  /** mean of the window starting in the current half-hour; null when that window spans a missing slot */
  nowMeanGramsPerKwh: number | null;
  /** (now - best) / now, 0-1; null when the now-window is unknown or its mean is 0 */
  savingRatio: number | null;
  startsNow: boolean;
}

export interface NoWindow {
  kind: 'none';
  durationSeconds: number;
  reason: NoWindowReason;
  /** a plain sentence for people */
  message: string;
}

export type WindowAdvice = WindowFound | NoWindow;

export interface WindowSearch {
  nowSeconds: number;
  durationSeconds: number;
  /** windows must end within this of the current slot's start (default 48 h) */
  horizonSeconds?: number;
}

/** "1h", "30m", "1h30m": the label and text form of a window length (a whole number of half-hours). */
export function durationLabel(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m}m`;
  return m === 0 ? `${h}h` : `${h}h${m}m`;
}

/** Whole half-hours in a duration, or a RangeError when it is not a positive multiple of 30 minutes. */
export function slotsIn(durationSeconds: number): number {
  const n = durationSeconds / SLOT_SECONDS;
  if (!(Number.isInteger(n) && n >= 1)) {
    throw new RangeError(`a window must be a positive whole number of half-hours, got ${durationSeconds} s`);
  }
  return n;
}

/** The forecast value of a slot (the API's forecast; a slot without one counts as missing). */
const forecastOf = (slot: IntensitySlot): number | null =>
  slot.forecast !== null && Number.isFinite(slot.forecast) ? slot.forecast : null;

/**
 * Lowest mean forecast intensity over `durationSeconds` of whole half-hour slots starting from the current slot and
 * ending within the horizon. Ties go to the earliest start. A window spanning a missing half-hour (no row, or a row
 * without a forecast) is never considered. Means are compared as sums of the same number of slots, so equal windows
 * tie exactly instead of by floating-point accident.
 */
export function greenestWindow(slots: readonly IntensitySlot[], search: WindowSearch): WindowAdvice {
  const n = slotsIn(search.durationSeconds);
  const label = durationLabel(search.durationSeconds);
  const first = slotStart(search.nowSeconds);
  const horizonEnd = first + (search.horizonSeconds ?? FORECAST_HORIZON_SECONDS);

  // value per half-hour index from the current slot; later duplicates win (as dedupeSlots)
  const count = Math.floor((horizonEnd - first) / SLOT_SECONDS);
  const values = new Array<number | null>(count).fill(null);
  let lastKnown = -1;
  for (const slot of slots) {
    if (slot.toSeconds - slot.fromSeconds !== SLOT_SECONDS || slot.fromSeconds % SLOT_SECONDS !== 0) continue;
    const i = (slot.fromSeconds - first) / SLOT_SECONDS;
    if (i < 0 || i >= count) continue;
    values[i] = forecastOf(slot);
    if (values[i] !== null) lastKnown = Math.max(lastKnown, i);
  }
  const none = (reason: NoWindowReason, message: string): NoWindow => ({
    kind: 'none',
    durationSeconds: search.durationSeconds,
    reason,
    message,
  });
  if (lastKnown < 0) {
    return none(
      'no_forecast',
      `No advice for a ${label} job: there is no forecast from now on (the carbon intensity API is unavailable; only the fallback intensity is known).`
    );
  }
  const covered = lastKnown + 1;
  if (n > covered) {
    return none(
      'longer_than_forecast',
      `No ${label} window: the forecast covers only ${durationLabel(covered * SLOT_SECONDS)} from now.`
    );
  }

  let best = -1;
  let bestSum = Infinity;
  let nowSum: number | null = null;
  // sliding sum over the last n values; `missing` counts nulls inside the window
  let sum = 0;
  let missing = 0;
  for (let i = 0; i < covered; i++) {
    const v = values[i] ?? null;
    if (v === null) missing++;
    else sum += v;
    if (i >= n) {
      const out = values[i - n] ?? null;
      if (out === null) missing--;
      else sum -= out;
    }
    if (i < n - 1 || missing > 0) continue;
    const start = i - n + 1;
    if (start === 0) nowSum = sum;
    if (sum < bestSum) {
      bestSum = sum;
      best = start;
    }
  }
  if (best < 0) {
    return none('gaps', `No ${label} window: every ${label} stretch of the forecast has a missing half-hour.`);
  }
  const mean = bestSum / n;
  const nowMean = nowSum === null ? null : nowSum / n;
  const startSeconds = first + best * SLOT_SECONDS;
  return {
    kind: 'window',
    durationSeconds: search.durationSeconds,
    startSeconds,
    endSeconds: startSeconds + n * SLOT_SECONDS,
    meanGramsPerKwh: mean,
    nowMeanGramsPerKwh: nowMean,
    savingRatio: nowMean === null || !(nowMean > 0) ? null : Math.max(0, (nowMean - mean) / nowMean),
    startsNow: best === 0,
  };
}

/** One advice per window length, in the order given. */
export function greenestWindows(
  slots: readonly IntensitySlot[],
  nowSeconds: number,
  durationsSeconds: readonly number[]
): WindowAdvice[] {
  return durationsSeconds.map((durationSeconds) => greenestWindow(slots, { nowSeconds, durationSeconds }));
}

/** A sentence for people: when to start and what it saves. */
export function adviceText(a: WindowAdvice): string {
  if (a.kind === 'none') return a.message;
  const label = durationLabel(a.durationSeconds);
  const at = new Date(a.startSeconds * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const mean = `${Math.round(a.meanGramsPerKwh)} gCO2/kWh`;
  if (a.startsNow) return `A ${label} job is greenest started now (mean forecast ${mean}).`;
  const saving = a.savingRatio === null ? '' : `, ${Math.round(a.savingRatio * 100)}% less carbon than starting now`;
  return `A ${label} job is greenest started at ${at} (mean forecast ${mean}${saving}).`;
}
