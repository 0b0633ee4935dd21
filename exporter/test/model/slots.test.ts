import {
  dedupeSlots,
  formatApiTime,
  IntensitySlot,
  parseApiTime,
  slotContaining,
  slotEnd,
  slotStart,
  splitRange,
} from '../../src/model/slots';

const T = (iso: string): number => Date.parse(iso) / 1000;
const slot = (from: string, value: number): IntensitySlot => ({
  fromSeconds: T(from),
  toSeconds: T(from) + 1800,
  forecast: value,
  actual: null,
});

describe('slotStart / slotEnd', () => {
  it('floors to the half-hour and ends 30 minutes later', () => {
    expect(slotStart(T('2024-03-10T12:29:59Z'))).toBe(T('2024-03-10T12:00:00Z'));
    expect(slotStart(T('2024-03-10T12:30:00Z'))).toBe(T('2024-03-10T12:30:00Z'));
    expect(slotStart(T('2024-03-10T12:00:00Z'))).toBe(T('2024-03-10T12:00:00Z'));
    expect(slotEnd(T('2024-03-10T12:00:00Z'))).toBe(T('2024-03-10T12:30:00Z'));
    expect(slotEnd(T('2024-03-10T23:45:00Z'))).toBe(T('2024-03-11T00:00:00Z'));
    expect(slotStart(T('2024-03-10T12:15:00.700Z'))).toBe(T('2024-03-10T12:00:00Z'));
  });
});

describe('parseApiTime / formatApiTime', () => {
  it('reads the API formats', () => {
    expect(parseApiTime('2020-05-21T21:00Z')).toBe(T('2020-05-21T21:00:00Z'));
    expect(parseApiTime('2020-05-21T21:00:00Z')).toBe(T('2020-05-21T21:00:00Z'));
    expect(parseApiTime('2025-10-23')).toBe(T('2025-10-23T00:00:00Z'));
  });
  it('refuses what is not an API time', () => {
    for (const bad of ['2020-05-21 21:00', '2020-05-21T21:00', '2021-02-30T00:00Z', '2020-05-21T24:00Z', 'x', '']) {
      expect(() => parseApiTime(bad)).toThrow(RangeError);
    }
  });
  it('writes YYYY-MM-DDThh:mmZ and round-trips', () => {
    expect(formatApiTime(T('2020-05-21T21:00:00Z'))).toBe('2020-05-21T21:00Z');
    expect(formatApiTime(T('2020-05-21T21:01:59Z'))).toBe('2020-05-21T21:01Z');
    expect(formatApiTime(T('1999-12-31T23:59:00Z') + 0.5)).toBe('1999-12-31T23:59Z');
    const t = T('2031-07-04T05:30:00Z');
    expect(parseApiTime(formatApiTime(t))).toBe(t);
  });
});

describe('slotContaining', () => {
  // Out of order on purpose: selection must not depend on position (the API puts the slot ENDING at `from` first).
  const slots = [
    slot('2020-05-21T21:00:00Z', 177),
    slot('2020-05-21T20:30:00Z', 190),
    slot('2020-05-21T21:30:00Z', 161),
  ];
  it('selects by each slot’s own from/to', () => {
    expect(slotContaining(slots, T('2020-05-21T21:00:00Z'))?.forecast).toBe(177);
    expect(slotContaining(slots, T('2020-05-21T21:29:59Z'))?.forecast).toBe(177);
    expect(slotContaining(slots, T('2020-05-21T21:30:00Z'))?.forecast).toBe(161);
    expect(slotContaining(slots, T('2020-05-21T20:59:59Z'))?.forecast).toBe(190);
  });
  it('returns undefined outside every slot', () => {
    expect(slotContaining(slots, T('2020-05-21T22:00:00Z'))).toBeUndefined();
    expect(slotContaining([], 0)).toBeUndefined();
  });
});

describe('dedupeSlots', () => {
  it('keeps the last row per from and sorts ascending', () => {
    const out = dedupeSlots([
      slot('2021-04-19T19:30:00Z', 3),
      slot('2021-04-19T19:00:00Z', 1),
      slot('2021-04-19T19:00:00Z', 2),
      slot('2021-04-19T18:30:00Z', 0),
    ]);
    expect(out.map((s) => [formatApiTime(s.fromSeconds), s.forecast])).toEqual([
      ['2021-04-19T18:30Z', 0],
      ['2021-04-19T19:00Z', 2],
      ['2021-04-19T19:30Z', 3],
    ]);
  });
});

describe('splitRange', () => {
  const days = (n: number): number => n * 86400;
  it('leaves a short range alone', () => {
    expect(splitRange(T('2024-03-10T00:00:00Z'), T('2024-03-11T00:00:00Z'))).toEqual([
      [T('2024-03-10T00:00:00Z'), T('2024-03-11T00:00:00Z')],
    ]);
  });
  it('cuts into windows of at most 14 days that tile the range', () => {
    const from = T('2024-03-01T00:00:00Z');
    const to = from + days(40) + 1800;
    const parts = splitRange(from, to);
    expect(parts).toHaveLength(3);
    expect(parts[0]).toEqual([from, from + days(14)]);
    expect(parts[2]![1]).toBe(to);
    for (let i = 1; i < parts.length; i++) expect(parts[i]![0]).toBe(parts[i - 1]![1]);
    for (const [a, b] of parts) expect(b - a).toBeLessThanOrEqual(days(14));
  });
  it('honours maxDays', () => {
    const from = T('2024-03-01T00:00:00Z');
    expect(splitRange(from, from + days(3), 1)).toHaveLength(3);
  });
  it('cuts at every New Year', () => {
    const from = T('2023-12-25T00:00:00Z');
    const to = T('2025-01-03T00:00:00Z');
    const parts = splitRange(from, to);
    const cuts = parts.map(([, b]) => b);
    expect(cuts).toContain(T('2024-01-01T00:00:00Z'));
    expect(cuts).toContain(T('2025-01-01T00:00:00Z'));
    // no window straddles a New Year
    for (const [a, b] of parts) {
      expect(new Date((b - 1) * 1000).getUTCFullYear()).toBe(new Date(a * 1000).getUTCFullYear());
    }
    expect(parts[0]).toEqual([from, T('2024-01-01T00:00:00Z')]);
  });
  it('gives nothing for an empty or reversed range', () => {
    expect(splitRange(100, 100)).toEqual([]);
    expect(splitRange(200, 100)).toEqual([]);
  });
});
