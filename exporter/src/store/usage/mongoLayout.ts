// The compact MongoDB layout: one document per (key, UTC day), { _id: key id * DAY_SPAN + day, d: day, b: binary }.
// The binary holds the day's cells, one per (project id, machine id): a 24-bit mask of the hours stored, the hours
// without a runtime, then per stored hour the eight figures as scaled integers (SCALES of the SQLite layout), each as
// a zigzag varint of its difference to the same figure's previous hour. No text and no field names repeat per hour:
// a host-day is a few hundred bytes instead of 24 documents of ~280.
import { Binary, type Document } from 'mongodb';
import { SCALES } from '../compactLayout';

export const HOURS_PER_DAY = 24;
export const DAY_SECONDS = 86400;
/** Days per key in the _id space: day numbers below 65,536 (until the year 2149). */
export const DAY_SPAN = 65536;
/** Layout version recorded in the layout collection once a store is in this layout. */
export const LAYOUT_VERSION = 2;

/** busy/idle cpu ms, busy/idle mJ, busy/idle/fallback ng, runtime ms (null: unknown) */
export type Figures = [number, number, number, number, number, number, number, number | null];
/** Stored unit per figure, in Figures order. */
export const FIGURE_SCALES = [
  SCALES.cpu,
  SCALES.cpu,
  SCALES.joules,
  SCALES.joules,
  SCALES.grams,
  SCALES.grams,
  SCALES.grams,
  SCALES.runtime,
] as const;

/** One (project, machine type) of a key-day: its hours 0..23 within the day, absent where not stored. */
export interface Cell {
  p: number;
  m: number;
  hours: Array<Figures | undefined>;
}

export interface DayDoc extends Document {
  _id: number;
  d: number;
  b: Binary;
}

export const docId = (key: number, day: number): number => key * DAY_SPAN + day;
export const keyOfId = (id: number): number => Math.floor(id / DAY_SPAN);
export const dayOfId = (id: number): number => id % DAY_SPAN;

export function checkDay(day: number): number {
  if (!Number.isInteger(day) || day < 0 || day >= DAY_SPAN) throw new Error(`usage day ${day} outside the layout`);
  return day;
}

function putVarint(out: number[], x: number): void {
  // arithmetic, not bit operators: values go past 2^31 (nanograms)
  while (x >= 128) {
    out.push((x % 128) + 128);
    x = Math.floor(x / 128);
  }
  out.push(x);
}

const zigzag = (x: number): number => (x >= 0 ? x * 2 : -x * 2 - 1);
const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

export function encodeCells(cells: readonly Cell[]): Binary {
  const out: number[] = [];
  const sorted = [...cells].sort((a, b) => a.p - b.p || a.m - b.m);
  for (const c of sorted) {
    let mask = 0;
    let noRuntime = 0;
    c.hours.forEach((f, h) => {
      if (f === undefined) return;
      mask += 2 ** h;
      if (f[7] === null) noRuntime += 2 ** h;
    });
    if (mask === 0) continue;
    putVarint(out, c.p);
    putVarint(out, c.m);
    putVarint(out, mask);
    putVarint(out, noRuntime);
    const prev = [0, 0, 0, 0, 0, 0, 0, 0];
    for (const f of c.hours) {
      if (f === undefined) continue;
      for (let i = 0; i < 8; i++) {
        const v = f[i];
        if (v === null || v === undefined) continue;
        putVarint(out, zigzag(v - prev[i]!));
        prev[i] = v;
      }
    }
  }
  return new Binary(Buffer.from(out));
}

export function decodeCells(b: Binary): Cell[] {
  const buf = b.buffer;
  let at = 0;
  const next = (): number => {
    let x = 0;
    let scale = 1;
    for (;;) {
      const byte = buf[at++]!;
      x += (byte & 127) * scale;
      if (byte < 128) return x;
      scale *= 128;
    }
  };
  const cells: Cell[] = [];
  while (at < buf.length) {
    const p = next();
    const m = next();
    const mask = next();
    const noRuntime = next();
    const hours = new Array<Figures | undefined>(HOURS_PER_DAY);
    const prev = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let h = 0; h < HOURS_PER_DAY; h++) {
      const bit = 2 ** h;
      if (Math.floor(mask / bit) % 2 === 0) continue;
      const f = new Array<number | null>(8) as Figures;
      for (let i = 0; i < 7; i++) f[i] = prev[i]! += unzigzag(next());
      f[7] = Math.floor(noRuntime / bit) % 2 === 1 ? null : (prev[7]! += unzigzag(next()));
      hours[h] = f;
    }
    cells.push({ p, m, hours });
  }
  return cells;
}

/** Hours stored in a list of cells. */
export const hoursIn = (cells: readonly Cell[]): number =>
  cells.reduce((n, c) => n + c.hours.filter((f) => f !== undefined).length, 0);
