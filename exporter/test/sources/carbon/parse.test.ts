// The recorded API bodies decode; malformed ones are refused with a reason.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatApiTime } from '../../../src/model/slots';
import { CarbonIntensityError } from '../../../src/sources/carbon/errors';
import type { IntensitySlot } from '../../../src/model/slots';
import { apiErrorText, parseJson, parseNational, parseRegional, resolveSlots } from '../../../src/sources/carbon/parse';
import { outwardCode } from '../../../src/sources/carbon/postcode';
import { CARBON_INTENSITY_FIXTURES } from '../../../../tests/fixtures/paths';

const dir = CARBON_INTENSITY_FIXTURES;
const load = (name: string): unknown => JSON.parse(readFileSync(resolve(dir, name), 'utf8'));

function refused(fn: () => unknown): CarbonIntensityError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CarbonIntensityError) return err;
    throw err;
  }
  throw new Error('expected a CarbonIntensityError');
}

describe('recorded fixtures', () => {
  it('national_fw24h_forecast: 49 rows, the first ENDING at the requested from', () => {
    const { slots } = parseNational(load('national_fw24h_forecast.json'));
    expect(slots).toHaveLength(49);
    expect(formatApiTime(slots[0]!.fromSeconds)).toBe('2020-05-21T20:30Z');
    expect(formatApiTime(slots[0]!.toSeconds)).toBe('2020-05-21T21:00Z');
    expect(slots[0]).toMatchObject({ forecast: 190, actual: null, index: 'moderate' });
    expect(slots[48]).toMatchObject({ forecast: 68, actual: null });
  });
  it('national_current and national_range_24h', () => {
    expect(parseNational(load('national_current.json')).slots).toEqual([
      {
        fromSeconds: Date.parse('2019-08-25T12:30Z') / 1000,
        toSeconds: Date.parse('2019-08-25T13:00Z') / 1000,
        forecast: 183,
        actual: 178,
        index: 'moderate',
      },
    ]);
    const range = parseNational(load('national_range_24h.json')).slots;
    expect(range).toHaveLength(49);
    expect(range.every((s) => s.actual !== null)).toBe(true);
  });
  it('regional_fw48h_postcode: data is an object holding the region and its rows', () => {
    const body = load('regional_fw48h_postcode.json') as { data: unknown };
    expect(Array.isArray(body.data)).toBe(false);
    const { region, slots } = parseRegional(body);
    expect(region).toEqual({ id: 11, name: 'South West England', postcode: 'BS16' });
    expect(slots).toHaveLength(9);
    expect(slots.map((s) => s.forecast)).toEqual([162, 164, 165, 161, 157, 143, 134, 137, 143]);
    expect(slots.every((s) => s.actual === null)).toBe(true);
  });
  it('regional_postcode_current: data is an array of one region', () => {
    const { region, slots } = parseRegional(load('regional_postcode_current.json'));
    expect(region).toEqual({ id: 12, name: 'South England', postcode: 'OX11' });
    expect(slots).toHaveLength(1);
    expect(slots[0]!.forecast).toBe(272);
  });
  it('error envelopes', () => {
    expect(apiErrorText(readFileSync(resolve(dir, 'error_500.json'), 'utf8'))).toBe(
      '500 Internal Server Error: Requested resource not found.'
    );
    expect(apiErrorText(readFileSync(resolve(dir, 'error_400.json'), 'utf8'))).toMatch(
      /^400 Bad Request: Please enter a valid datetime/
    );
    expect(apiErrorText('<html>')).toBeUndefined();
  });
});

describe('validation', () => {
  const row = (intensity: Record<string, unknown>, from = '2024-03-10T12:00Z', to = '2024-03-10T12:30Z') => ({
    data: [{ from, to, intensity }],
  });
  it.each([
    ['a string value', row({ forecast: '183', actual: null }), /forecast is not a number/],
    ['a negative value', row({ forecast: -1, actual: null }), /outside 0..2000/],
    ['an absurd value', row({ forecast: 150, actual: 99999 }), /actual 99999 g\/kWh is outside/],
    ['a bad time', row({ forecast: 150 }, '2024-03-10 12:00'), /row 0: not an API time/],
    [
      'a slot that is not 30 minutes',
      row({ forecast: 150 }, '2024-03-10T12:00Z', '2024-03-10T13:00Z'),
      /not a half-hour slot/,
    ],
    ['no intensity', { data: [{ from: '2024-03-10T12:00Z', to: '2024-03-10T12:30Z' }] }, /no intensity object/],
    ['no data', { error: 'x' }, /no "data"/],
    ['data not an array', { data: { from: 1 } }, /not an array/],
  ])('refuses %s', (_name, body, message) => {
    const err = refused(() => parseNational(body));
    expect(err.kind).toBe('parse');
    expect(err.message).toMatch(message);
  });
  it('calls an empty list empty, not garbage', () => {
    expect(refused(() => parseNational({ data: [] })).kind).toBe('empty');
    expect(refused(() => parseRegional({ data: [] })).kind).toBe('empty');
    expect(refused(() => parseRegional({ data: { regionid: 12, shortname: 'South England', data: [] } })).kind).toBe(
      'empty'
    );
  });
  it('needs a numeric regionid', () => {
    expect(refused(() => parseRegional({ data: { regionid: '12', data: [] } })).message).toMatch(/regionid/);
  });
  it('names non-JSON bodies', () => {
    const err = refused(() => parseJson('{"data":[{"from":"2024-'));
    expect([err.kind, err.message]).toEqual(['parse', 'response is not JSON: "{\\"data\\":[{\\"from\\":\\"2024-"']);
  });
});

describe('resolveSlots: one value per half-hour, whatever the row order', () => {
  const H = 1_710_064_800; // 2024-03-10T10:00Z
  const row = (forecast: number | null, actual: number | null, from = H): IntensitySlot => ({
    fromSeconds: from,
    toSeconds: from + 1800,
    forecast,
    actual,
  });
  const winner = (rows: IntensitySlot[]) => {
    const forward = resolveSlots(rows);
    const backward = resolveSlots([...rows].reverse());
    expect(backward).toEqual(forward); // deterministic: the order of the rows never matters
    return forward;
  };

  it('prefers a row with an actual over a forecast-only one, even a higher forecast', () => {
    const r = winner([row(300, null), row(160, 150)]);
    expect(r.slots).toEqual([{ ...row(160, 150), conflictingRows: 2 }]);
    expect(r.conflictingSlots).toBe(1);
  });
  it.each([
    ['two actuals', [row(160, 150), row(160, 170)], row(160, 170)],
    ['two forecasts', [row(190, null), row(210, null)], row(210, null)],
    ['one actual, forecasts differ', [row(150, 170), row(200, 170)], row(200, 170)],
    ['one actual, one forecast missing', [row(null, 170), row(140, 170)], row(140, 170)],
  ])('among equals takes the higher intensity: %s', (_name, rows, best) => {
    const r = winner(rows);
    expect(r.slots).toEqual([{ ...best, conflictingRows: 2 }]);
    expect(r.conflictingSlots).toBe(1);
  });
  it('counts each half-hour once, with how many distinct rows it had', () => {
    const r = winner([
      row(100, null),
      row(120, null),
      row(110, null),
      row(120, null),
      row(50, 40, H + 1800),
      row(60, 45, H + 1800),
    ]);
    expect(r.slots.map((s) => [s.forecast, s.conflictingRows])).toEqual([
      [120, 3],
      [60, 2],
    ]);
    expect(r.conflictingSlots).toBe(2);
  });
  it('de-duplicates identical rows without calling them a conflict', () => {
    const r = winner([row(160, 150), row(160, 150), row(90, null, H + 1800), row(90, null, H + 1800)]);
    expect(r.slots).toEqual([row(160, 150), row(90, null, H + 1800)]);
    expect(r.conflictingSlots).toBe(0);
  });
  it('drops rows without any intensity: never a value (not 0), never a conflict', () => {
    const alone = winner([row(null, null), row(90, null, H + 1800)]);
    expect(alone.slots).toEqual([row(90, null, H + 1800)]);
    expect(alone.valueless).toEqual([H]);
    const beside = winner([row(null, null), row(160, 150)]);
    expect(beside).toEqual({ slots: [row(160, 150)], valueless: [], conflictingSlots: 0 });
  });
  it('is what parseNational and parseRegional apply', () => {
    const rows = [
      { from: '2024-03-10T10:30Z', to: '2024-03-10T11:00Z', intensity: { forecast: 190, actual: null } },
      { from: '2024-03-10T10:00Z', to: '2024-03-10T10:30Z', intensity: { forecast: 180, actual: null } },
      { from: '2024-03-10T10:30Z', to: '2024-03-10T11:00Z', intensity: { forecast: 210, actual: null } },
      { from: '2024-03-10T11:00Z', to: '2024-03-10T11:30Z', intensity: { forecast: null, actual: null } },
    ];
    for (const parsed of [
      parseNational({ data: rows }),
      parseRegional({ data: { regionid: 12, shortname: 'South England', data: rows } }),
    ]) {
      expect(parsed.slots.map((s) => [formatApiTime(s.fromSeconds), s.forecast, s.conflictingRows])).toEqual([
        ['2024-03-10T10:00Z', 180, undefined],
        ['2024-03-10T10:30Z', 210, 2],
      ]);
      expect(parsed.conflictingSlots).toBe(1);
      expect(parsed.valueless).toEqual([H + 3600]);
    }
  });
});

describe('outwardCode', () => {
  it.each([
    ['OX11', 'OX11'],
    ['ox11 0qx', 'OX11'],
    ['OX11 0QX', 'OX11'],
    ['OX110QX', 'OX11'],
    [' bs16  1aa ', 'BS16'],
    ['SW1A 1AA', 'SW1A'],
    ['M1 1AE', 'M1'],
    ['M11AE', 'M1'],
    ['B33 8TH', 'B33'],
  ])('%s -> %s', (input, out) => expect(outwardCode(input)).toBe(out));
  it.each(['', 'X', '12345', 'OX11 0QX EXTRA', 'ÖX11'])('refuses %j', (bad) => {
    expect(() => outwardCode(bad)).toThrow(RangeError);
  });
});
