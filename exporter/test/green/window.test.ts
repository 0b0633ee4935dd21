// Greenest-window search against the recorded forecasts; expected answers were worked out by hand from the rows
// (listed in the comments) and are literals here, not recomputed with the code under test.
import { adviceText, durationLabel, greenestWindow, greenestWindows, slotsIn, type WindowFound } from '../../src/green';
import type { IntensitySlot } from '../../src/model/slots';
import { H, nationalFw24h, regionalFw48h, utc } from './fixtures';

const found = (a: ReturnType<typeof greenestWindow>): WindowFound => {
  if (a.kind !== 'window') throw new Error(`expected a window, got: ${a.message}`);
  return a;
};

describe('greenest window, national fw24h recording (now 2020-05-21T21:10Z)', () => {
  // from 21:00: 177 161 143 128 116 107 98 91 86 82 79 77 75 73 72 71 70 69 68 67 67 67 67 | 08:30 66 65x6 64 63 62 61
  // 60 60 61 63 65 67 68x8. The 20:30 row (ends at `from`) is in the past and must be ignored.
  const slots = nationalFw24h();
  const now = utc('2020-05-21T21:10:00Z');

  it('1 h: 14:00-15:00 (60, 60), mean 60 against 169 now', () => {
    const w = found(greenestWindow(slots, { nowSeconds: now, durationSeconds: H }));
    expect(w.startSeconds).toBe(utc('2020-05-22T14:00:00Z'));
    expect(w.endSeconds).toBe(utc('2020-05-22T15:00:00Z'));
    expect(w.meanGramsPerKwh).toBe(60);
    expect(w.nowMeanGramsPerKwh).toBe(169); // (177 + 161) / 2
    expect(w.savingRatio).toBeCloseTo(109 / 169, 12);
    expect(w.startsNow).toBe(false);
  });

  it('3 h: 12:30 and 13:00 tie at 367; the earlier wins', () => {
    // 12:30: 63 62 61 60 60 61 = 367; 13:00: 62 61 60 60 61 63 = 367; neighbours 370
    const w = found(greenestWindow(slots, { nowSeconds: now, durationSeconds: 3 * H }));
    expect(w.startSeconds).toBe(utc('2020-05-22T12:30:00Z'));
    expect(w.meanGramsPerKwh).toBeCloseTo(367 / 6, 12);
    expect(w.nowMeanGramsPerKwh).toBeCloseTo(832 / 6, 12); // 177+161+143+128+116+107
    expect(w.savingRatio).toBeCloseTo((832 - 367) / 832, 12);
  });

  it('8 h: 08:30-16:30, sum 1015 (08:00 gives 1017, 09:00 gives 1016)', () => {
    const w = found(greenestWindow(slots, { nowSeconds: now, durationSeconds: 8 * H }));
    expect(w.startSeconds).toBe(utc('2020-05-22T08:30:00Z'));
    expect(w.meanGramsPerKwh).toBeCloseTo(1015 / 16, 12);
    expect(w.nowMeanGramsPerKwh).toBeCloseTo(1636 / 16, 12);
    expect(w.savingRatio).toBeCloseTo((1636 - 1015) / 1636, 12);
  });

  it('a window as long as the whole forecast starts now and saves nothing', () => {
    const w = found(greenestWindow(slots, { nowSeconds: now, durationSeconds: 24 * H }));
    expect(w.startSeconds).toBe(utc('2020-05-21T21:00:00Z'));
    expect(w.startsNow).toBe(true);
    expect(w.savingRatio).toBe(0);
    expect(adviceText(w)).toMatch(/greenest started now/);
  });

  it('a window longer than the forecast gets no advice, said plainly', () => {
    const a = greenestWindow(slots, { nowSeconds: now, durationSeconds: 30 * H });
    expect(a).toMatchObject({ kind: 'none', reason: 'longer_than_forecast' });
    expect(adviceText(a)).toBe('No 30h window: the forecast covers only 24h from now.');
  });

  it('the horizon limits windows: with 6 h ahead only, the 1 h window is the last hour', () => {
    // within 21:00-03:00 the forecast falls all the way: 02:00-03:00 (79, 77) is the lowest hour
    const w = found(greenestWindow(slots, { nowSeconds: now, durationSeconds: H, horizonSeconds: 6 * H }));
    expect(w.startSeconds).toBe(utc('2020-05-22T02:00:00Z'));
    expect(w.meanGramsPerKwh).toBe(78);
  });

  it('greenestWindows keeps the configured order; the advice text names time, mean and saving', () => {
    const list = greenestWindows(slots, now, [8 * H, H]);
    expect(list.map((a) => a.durationSeconds)).toEqual([8 * H, H]);
    expect(adviceText(list[1]!)).toBe(
      'A 1h job is greenest started at 2020-05-22 14:00 UTC (mean forecast 60 gCO2/kWh, 64% less carbon than starting now).'
    );
  });
});

describe('greenest window, regional fw48h recording (now 2025-10-23T00:00Z)', () => {
  // from 00:00: 164 165 161 157 143 134 137 143 (the capture is truncated: 4 h ahead)
  const slots = regionalFw48h();
  const now = utc('2025-10-23T00:00:00Z');

  it('1 h: 02:30 (134, 137) mean 135.5 against 164.5 now', () => {
    const w = found(greenestWindow(slots, { nowSeconds: now, durationSeconds: H }));
    expect(w.startSeconds).toBe(utc('2025-10-23T02:30:00Z'));
    expect(w.meanGramsPerKwh).toBe(135.5);
    expect(w.nowMeanGramsPerKwh).toBe(164.5);
    expect(w.savingRatio).toBeCloseTo(29 / 164.5, 12);
  });

  it('3 h: 01:00 (161 157 143 134 137 143 = 875) against 924 now', () => {
    const w = found(greenestWindow(slots, { nowSeconds: now, durationSeconds: 3 * H }));
    expect(w.startSeconds).toBe(utc('2025-10-23T01:00:00Z'));
    expect(w.meanGramsPerKwh).toBeCloseTo(875 / 6, 12);
    expect(w.savingRatio).toBeCloseTo((924 - 875) / 924, 12);
  });

  it('8 h is longer than the 4 h recorded: no advice', () => {
    const a = greenestWindow(slots, { nowSeconds: now, durationSeconds: 8 * H });
    expect(a).toMatchObject({
      kind: 'none',
      reason: 'longer_than_forecast',
      message: 'No 8h window: the forecast covers only 4h from now.',
    });
  });

  it('a missing slot: windows spanning 02:30 are not considered', () => {
    const gappy = slots.filter((s) => s.fromSeconds !== utc('2025-10-23T02:30:00Z'));
    // 1 h candidates left: 00:00 329, 00:30 326, 01:00 318, 01:30 300, 03:00 280 (137 + 143)
    const w = found(greenestWindow(gappy, { nowSeconds: now, durationSeconds: H }));
    expect(w.startSeconds).toBe(utc('2025-10-23T03:00:00Z'));
    expect(w.meanGramsPerKwh).toBe(140);
    // no 3 h stretch without the hole: 00:00-02:30 is 5 slots, 03:00-04:00 is 2
    const none = greenestWindow(gappy, { nowSeconds: now, durationSeconds: 3 * H });
    expect(none).toMatchObject({ kind: 'none', reason: 'gaps' });
  });

  it('a slot without a forecast value counts as missing, and so does the now-window spanning it', () => {
    const nulled: IntensitySlot[] = slots.map((s) =>
      s.fromSeconds === utc('2025-10-23T00:30:00Z') ? { ...s, forecast: null } : s
    );
    const w = found(greenestWindow(nulled, { nowSeconds: now, durationSeconds: H }));
    expect(w.startSeconds).toBe(utc('2025-10-23T02:30:00Z'));
    expect(w.nowMeanGramsPerKwh).toBeNull();
    expect(w.savingRatio).toBeNull();
  });
});

describe('edge cases', () => {
  const slot = (from: number, forecast: number | null): IntensitySlot => ({
    fromSeconds: from,
    toSeconds: from + 1800,
    forecast,
    actual: null,
  });
  const t0 = utc('2026-01-01T00:00:00Z');

  it('ties anywhere go to the earliest start', () => {
    const flat = [100, 50, 50, 90, 50, 50, 100].map((v, i) => slot(t0 + i * 1800, v));
    expect(found(greenestWindow(flat, { nowSeconds: t0, durationSeconds: H })).startSeconds).toBe(t0 + 1800);
    const all = Array.from({ length: 8 }, (_, i) => slot(t0 + i * 1800, 120));
    const w = found(greenestWindow(all, { nowSeconds: t0 + 900, durationSeconds: H }));
    expect(w.startSeconds).toBe(t0);
    expect(w.startsNow).toBe(true);
    expect(w.savingRatio).toBe(0);
  });

  it('an outage (no forecast at all, only the fallback) gives no advice, said plainly', () => {
    const a = greenestWindow([], { nowSeconds: t0, durationSeconds: H });
    expect(a.kind).toBe('none');
    expect(adviceText(a)).toBe(
      'No advice for a 1h job: there is no forecast from now on (the carbon intensity API is unavailable; only the fallback intensity is known).'
    );
    // a forecast that lies wholly in the past is as good as none
    expect(greenestWindow([slot(t0 - 7200, 50)], { nowSeconds: t0, durationSeconds: H })).toMatchObject({
      kind: 'none',
      reason: 'no_forecast',
    });
  });

  it('duplicate rows: the later one wins, as in dedupeSlots', () => {
    const rows = [slot(t0, 300), slot(t0 + 1800, 300), slot(t0 + 3600, 10), slot(t0 + 3600, 400), slot(t0 + 5400, 300)];
    expect(found(greenestWindow(rows, { nowSeconds: t0, durationSeconds: 1800 })).startSeconds).toBe(t0);
  });

  it('lengths must be whole half-hours; labels read like Prometheus durations', () => {
    expect(() => slotsIn(1000)).toThrow(RangeError);
    expect(() => greenestWindow([], { nowSeconds: t0, durationSeconds: 0 })).toThrow(/whole number of half-hours/);
    expect([1800, 3600, 5400, 8 * H, 48 * H].map(durationLabel)).toEqual(['30m', '1h', '1h30m', '8h', '48h']);
  });
});
