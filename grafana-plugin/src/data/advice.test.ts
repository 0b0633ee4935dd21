import { FIXED_NOW_MS, tableFrames } from '../test-utils/factory';
import { forecastSeries, forecastValues, windowSeries, WindowFixture } from '../test-utils/green';
import { adviceLines, durationText, startTimeText } from './advice';
import { buildForecastModel } from './forecast';
import { extractSamples } from './frames';

const HALF_HOUR = 1_800_000;
const lines = (windows: WindowFixture[], withForecast = true, timeZone = 'utc') => {
  const series = [
    ...(withForecast ? forecastSeries('national', forecastValues()) : []),
    ...windowSeries('national', windows),
  ];
  const m = buildForecastModel(extractSamples(tableFrames(series)).greenSamples, { nowMs: FIXED_NOW_MS });
  return adviceLines(m, FIXED_NOW_MS, timeZone);
};

describe('advice', () => {
  it.each([
    ['1h', '1 h'],
    ['3h', '3 h'],
    ['1h30m', '1 h 30 min'],
    ['30m', '30 min'],
    ['weird', 'weird'],
  ])('duration %s reads "%s"', (label, text) => expect(durationText(label)).toBe(text));

  it('names the start time today, tomorrow or by weekday, in the dashboard time zone', () => {
    // FIXED_NOW_MS is Saturday 2026-11-28 12:00 UTC
    expect(startTimeText(FIXED_NOW_MS + 4 * HALF_HOUR, FIXED_NOW_MS, 'utc')).toBe('at 14:00');
    expect(startTimeText(FIXED_NOW_MS + 29 * HALF_HOUR, FIXED_NOW_MS, 'utc')).toBe('tomorrow at 02:30');
    expect(startTimeText(FIXED_NOW_MS + 90 * HALF_HOUR, FIXED_NOW_MS, 'utc')).toBe('on Mon at 09:00');
    expect(startTimeText(FIXED_NOW_MS + 4 * HALF_HOUR, FIXED_NOW_MS, 'Asia/Tokyo')).toBe('at 23:00');
  });

  it('says when to start each job length and what it saves', () => {
    expect(
      lines([
        { duration: '3h', available: true, startSlot: 4, meanGramsPerKwh: 120, savingRatio: 0.354 },
        { duration: '1h', available: true, startSlot: 29, meanGramsPerKwh: 100, savingRatio: 0.5 },
      ]).map((l) => [l.kind, l.text])
    ).toEqual([
      ['wait', 'Start a 1 h job tomorrow at 02:30 to cut its carbon by 50%'],
      ['wait', 'Start a 3 h job at 14:00 to cut its carbon by 35%'],
    ]);
  });

  it('says now is the greenest time when the window starts now or saves nothing', () => {
    expect(
      lines([
        { duration: '1h', available: true, startSlot: 0, savingRatio: 0 },
        { duration: '3h', available: true, startSlot: 3, savingRatio: 0.001 },
      ]).map((l) => l.text)
    ).toEqual(['Now is the greenest time to start a 1 h job', 'Now is the greenest time to start a 3 h job']);
  });

  it('without a saving ratio, gives the mean intensity instead', () => {
    expect(lines([{ duration: '8h', available: true, startSlot: 4, meanGramsPerKwh: 87 }])[0]!.text).toBe(
      'Start an 8 h job at 14:00 (mean 87 gCO₂/kWh)'
    );
  });

  it('no advice for one length is said plainly next to the others', () => {
    expect(
      lines([
        { duration: '1h', available: true, startSlot: 4, savingRatio: 0.2 },
        { duration: '8h', available: false },
      ]).map((l) => [l.kind, l.text])
    ).toEqual([
      ['wait', 'Start a 1 h job at 14:00 to cut its carbon by 20%'],
      ['none', 'No advice for an 8 h job: the forecast is too short or has gaps'],
    ]);
  });

  it('an outage with no forecast: one plain line', () => {
    expect(
      lines(
        [
          { duration: '1h', available: false },
          { duration: '3h', available: false },
        ],
        false
      )
    ).toEqual([{ duration: '', kind: 'none', text: 'No advice: no forecast' }]);
  });
});
