// Half-hour settlement-slot arithmetic for GB carbon intensity data. Pure: no I/O, no clock.

export const SLOT_SECONDS = 1800;
export const DAY_SECONDS = 86400;

export interface IntensitySlot {
  fromSeconds: number;
  toSeconds: number;
  /** gCO2/kWh; null when not published */
  forecast: number | null;
  /** gCO2/kWh; null when not yet settled (always null for regional data) */
  actual: number | null;
  index?: string;
}

/** Start of the half-hour slot containing t (unix seconds). */
export function slotStart(tSeconds: number): number {
  return Math.floor(tSeconds / SLOT_SECONDS) * SLOT_SECONDS;
}

/** End (exclusive) of the half-hour slot containing t. */
export function slotEnd(tSeconds: number): number {
  return slotStart(tSeconds) + SLOT_SECONDS;
}

// The API writes YYYY-MM-DDThh:mmZ; it accepts seconds and bare dates in requests, so we read those too.
const API_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?Z)?$/;

/** "2020-05-21T21:00Z" (also "...T21:00:00Z" or "2020-05-21") -> unix seconds. Throws RangeError on anything else. */
export function parseApiTime(text: string): number {
  const m = API_TIME_RE.exec(text);
  if (!m) throw new RangeError(`not an API time (YYYY-MM-DDThh:mmZ): ${JSON.stringify(text)}`);
  const [year, month, day, hour, minute, second] = m
    .slice(1)
    .map((part) => (part === undefined ? 0 : Number(part))) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  // Date.UTC rolls 2021-02-30 over to March; refuse instead of guessing.
  if (
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== month - 1 ||
    back.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new RangeError(`invalid API time: ${JSON.stringify(text)}`);
  }
  return ms / 1000;
}

/** unix seconds -> "YYYY-MM-DDThh:mmZ" (UTC, seconds truncated). */
export function formatApiTime(seconds: number): string {
  if (!Number.isFinite(seconds)) throw new RangeError(`not a finite time: ${seconds}`);
  return new Date(Math.floor(seconds / 60) * 60_000).toISOString().slice(0, 16) + 'Z';
}

/** The slot whose own [from, to) contains t; position in the array is irrelevant. */
export function slotContaining<T extends IntensitySlot>(slots: readonly T[], tSeconds: number): T | undefined {
  let found: T | undefined;
  for (const slot of slots) {
    // Later duplicates win, matching dedupeSlots.
    if (slot.fromSeconds <= tSeconds && tSeconds < slot.toSeconds) found = slot;
  }
  return found;
}

/** Drop duplicate rows by `from` (the last one wins) and sort ascending. */
export function dedupeSlots<T extends IntensitySlot>(slots: readonly T[]): T[] {
  const byFrom = new Map<number, T>();
  for (const slot of slots) {
    byFrom.delete(slot.fromSeconds); // re-insert so Map order does not matter; we sort below anyway
    byFrom.set(slot.fromSeconds, slot);
  }
  return [...byFrom.values()].sort((a, b) => a.fromSeconds - b.fromSeconds);
}

/** Unix seconds of 1 January 00:00 UTC of the year after the one containing t. */
function nextNewYear(tSeconds: number): number {
  const year = new Date(tSeconds * 1000).getUTCFullYear();
  return Date.UTC(year + 1, 0, 1) / 1000;
}

/**
 * Split [from, to) into request windows of at most maxDays (the API's 14-day limit), also cutting at every
 * 1 January 00:00 UTC because ranges across New Year have come back a day short.
 */
export function splitRange(fromSeconds: number, toSeconds: number, maxDays = 14): Array<[number, number]> {
  if (!Number.isFinite(fromSeconds) || !Number.isFinite(toSeconds))
    throw new RangeError('splitRange: non-finite bound');
  if (!(maxDays > 0)) throw new RangeError(`splitRange: maxDays must be > 0, got ${maxDays}`);
  const maxSpan = maxDays * DAY_SECONDS;
  const out: Array<[number, number]> = [];
  let start = fromSeconds;
  while (start < toSeconds) {
    const end = Math.min(toSeconds, start + maxSpan, nextNewYear(start));
    out.push([start, end]);
    start = end;
  }
  return out;
}
