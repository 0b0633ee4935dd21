import { createDataFrame, FieldType } from '@grafana/data';

import { FIXED_NOW_MS, tableFrames, timeSeriesFrames } from '../test-utils/factory';
import { forecastSeries, forecastValues, savingSeries, windowSeries } from '../test-utils/green';
import { PromSeries } from '../test-utils/exposition';
import { extractSamples } from './frames';
import { buildForecastModel, halfHourStartMs, parseDurationSeconds } from './forecast';
import { buildSiteModel } from './viewModel';

const model = (series: PromSeries[], area?: string, nowMs = FIXED_NOW_MS) =>
  buildForecastModel(extractSamples(tableFrames(series, nowMs)).greenSamples, { area, nowMs });

const WINDOWS = [
  { duration: '8h', available: true, startSlot: 20, meanGramsPerKwh: 110, savingRatio: 0.3 },
  { duration: '1h', available: true, startSlot: 24, meanGramsPerKwh: 100, savingRatio: 0.45 },
  { duration: '3h', available: true, startSlot: 23, meanGramsPerKwh: 102, savingRatio: 0.4 },
];

describe('parseDurationSeconds', () => {
  it.each([
    ['1h', 3600],
    ['3h', 10800],
    ['1h30m', 5400],
    ['30m', 1800],
    ['', null],
    ['h', null],
    ['3 days', null],
    ['0h', null],
  ])('%s -> %s', (label, seconds) => expect(parseDurationSeconds(label)).toBe(seconds));
});

describe('buildForecastModel', () => {
  it('lays the 48 h forecast out per half-hour from the start of the current one', () => {
    const values = forecastValues();
    const m = model(forecastSeries('national', values));
    expect(m.area).toBe('national');
    expect(m.slots).toHaveLength(96);
    expect(m.slots[0]).toEqual({ offsetMinutes: 0, startMs: FIXED_NOW_MS, gramsPerKwh: values[0], windows: [] });
    expect(m.slots[95]!.startMs - FIXED_NOW_MS).toBe(95 * 30 * 60_000);
    expect(m.minGramsPerKwh).toBe(Math.min(...values));
    expect(m.maxGramsPerKwh).toBe(Math.max(...values));
    expect(m.missingSlots).toBe(0);
    expect(m.hasData).toBe(true);
  });

  it('counts offsets from the start of the half-hour the query ran in, not from the instant', () => {
    const now = FIXED_NOW_MS + 17 * 60_000; // 12:17
    const m = model(forecastSeries('national', [200, 190]), undefined, now);
    expect(halfHourStartMs(now)).toBe(FIXED_NOW_MS);
    expect(m.slots.map((s) => s.startMs)).toEqual([FIXED_NOW_MS, FIXED_NOW_MS + 1_800_000]);
  });

  it('keeps a missing half-hour as a gap, not a zero', () => {
    const values: Array<number | null> = forecastValues(10);
    values[4] = null;
    const m = model(forecastSeries('national', values));
    expect(m.slots).toHaveLength(10);
    expect(m.slots[4]!.gramsPerKwh).toBeNull();
    expect(m.missingSlots).toBe(1);
    expect(m.minGramsPerKwh).toBe(Math.min(...(values.filter((v) => v !== null) as number[])));
  });

  it('marks the greenest window of each job length on its half-hours, sorted by duration', () => {
    const m = model([...forecastSeries('national', forecastValues()), ...windowSeries('national', WINDOWS)]);
    expect(m.windows.map((w) => w.duration)).toEqual(['1h', '3h', '8h']);
    const three = m.windows[1]!;
    expect(three).toEqual({
      duration: '3h',
      durationSeconds: 10800,
      available: true,
      startMs: FIXED_NOW_MS + 23 * 1_800_000,
      meanGramsPerKwh: 102,
      savingRatio: 0.4,
      firstSlot: 23,
      slotCount: 6,
    });
    const covered = (d: string) => m.slots.flatMap((s, i) => (s.windows.includes(d) ? [i] : []));
    expect(covered('1h')).toEqual([24, 25]);
    expect(covered('3h')).toEqual([23, 24, 25, 26, 27, 28]);
    expect(covered('8h')).toEqual(Array.from({ length: 16 }, (_, i) => 20 + i));
  });

  it('no advice (available 0): the window carries no start, mean or saving, and marks nothing', () => {
    const m = model([
      ...forecastSeries('national', forecastValues(8)),
      ...windowSeries('national', [{ duration: '8h', available: false }]),
    ]);
    expect(m.windows).toEqual([
      {
        duration: '8h',
        durationSeconds: 28800,
        available: false,
        startMs: null,
        meanGramsPerKwh: null,
        savingRatio: null,
        firstSlot: null,
        slotCount: null,
      },
    ]);
    expect(m.slots.every((s) => s.windows.length === 0)).toBe(true);
  });

  it('an outage: windows without advice and no forecast still count as data', () => {
    const m = model(windowSeries('national', [{ duration: '1h', available: false }]));
    expect(m.slots).toEqual([]);
    expect(m.hasData).toBe(true);
    expect(m.minGramsPerKwh).toBeNull();
  });

  it('with both areas, shows the requested one, else the first in the data', () => {
    const series = [
      ...forecastSeries('regional', [90, 80]),
      ...forecastSeries('national', [200, 210, 220]),
      ...windowSeries('national', [{ duration: '1h', available: true, startSlot: 1, savingRatio: 0.1 }]),
    ];
    const first = model(series);
    expect(first.areas).toEqual(['regional', 'national']);
    expect(first.area).toBe('regional');
    expect(first.slots.map((s) => s.gramsPerKwh)).toEqual([90, 80]);
    expect(first.windows).toEqual([]);
    const national = model(series, 'national');
    expect(national.slots.map((s) => s.gramsPerKwh)).toEqual([200, 210, 220]);
    expect(national.windows.map((w) => w.duration)).toEqual(['1h']);
    expect(model(series, 'scotland').area).toBe('regional');
  });

  it('sums the idle-shutdown savings over the projects of the site', () => {
    const m = model(
      savingSeries([
        { site: 'isis', project: 'IDAaaS', gramsPerDay: 1200, joulesPerDay: 7.2e6, idleWorkspaces: 3 },
        { site: 'isis', project: 'Other', gramsPerDay: 300, joulesPerDay: 1.8e6, idleWorkspaces: 1 },
      ])
    );
    expect(m.savings).toEqual({ gramsPerDay: 1500, joulesPerDay: 9e6, idleWorkspaces: 4 });
    expect(m.area).toBeNull();
    expect(m.hasData).toBe(true);
  });

  it('without any greener-choices query there is nothing to show and no error', () => {
    const m = model([]);
    expect(m).toMatchObject({ hasData: false, area: null, slots: [], windows: [], savings: null });
  });

  it('counts duplicates, NaN and unreadable labels', () => {
    const series: PromSeries[] = [
      ...forecastSeries('national', [200, 190]),
      ...forecastSeries('national', [200]),
      {
        name: 'ada_carbon_grid_intensity_forecast_grams_per_kilowatt_hour',
        labels: { area: 'national', offset_minutes: '45' },
        value: 1,
      },
      {
        name: 'ada_carbon_grid_intensity_forecast_grams_per_kilowatt_hour',
        labels: { area: 'national', offset_minutes: '60' },
        value: NaN,
      },
    ];
    const m = model(series);
    expect(m.diagnostics).toEqual({ duplicateSeries: 1, invalidValues: 1, unreadableLabels: 1 });
    expect(m.slots.map((s) => s.gramsPerKwh)).toEqual([200, 190, null]);
  });

  it('reads time-series frames too (last value)', () => {
    const frames = timeSeriesFrames(forecastSeries('national', [150, 140]));
    const m = buildForecastModel(extractSamples(frames).greenSamples, { nowMs: FIXED_NOW_MS });
    expect(m.slots.map((s) => s.gramsPerKwh)).toEqual([150, 140]);
  });

  it('a bare selector under another refId is recognised by __name__', () => {
    const frame = createDataFrame({
      refId: 'A',
      fields: [
        { name: 'Time', type: FieldType.time, values: [FIXED_NOW_MS] },
        { name: '__name__', type: FieldType.string, values: ['ada_carbon_idle_workspaces'] },
        { name: 'site', type: FieldType.string, values: ['isis'] },
        { name: 'Value', type: FieldType.number, values: [2] },
      ],
    });
    const m = buildForecastModel(extractSamples([frame]).greenSamples, { nowMs: FIXED_NOW_MS });
    expect(m.savings?.idleWorkspaces).toBe(2);
  });

  it('greener-choices frames are not counted as unrecognised by the workspace model', () => {
    const frames = tableFrames([
      ...forecastSeries('national', [1, 2]),
      ...savingSeries([{ site: 'isis', project: 'IDAaaS', gramsPerDay: 1, joulesPerDay: 1, idleWorkspaces: 1 }]),
    ]);
    expect(buildSiteModel(frames).diagnostics.unrecognisedSeries).toBe(0);
  });
});
