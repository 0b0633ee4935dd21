import { DEFAULT_EQUIVALENCIES, equivalentsOf, gramsPerUnit, tableProblems, type Equivalency } from '../../src/green';
import { tableFromConfig } from '../../src/green';
import { testConfig } from '../support/app';

describe('carbon equivalencies table', () => {
  it('every row has an id, a unit, a positive factor in the unit its kind says, and a source', () => {
    expect(tableProblems(DEFAULT_EQUIVALENCIES)).toEqual([]);
    for (const e of DEFAULT_EQUIVALENCIES) {
      expect(e.id).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(e.unit.length).toBeGreaterThan(0);
      expect(e.source.length).toBeGreaterThan(20);
      if (e.kind === 'carbon') expect('kilowattHoursPerUnit' in e).toBe(false);
      else expect('gramsPerUnit' in e).toBe(false);
    }
    expect(DEFAULT_EQUIVALENCIES.map((e) => e.id)).toEqual([
      'car_km',
      'smartphone_charges',
      'kettle_boils',
      'tree_days',
    ]);
  });

  it('factors are in the stated units and plausible ranges (g/km, kWh per charge or boil, g per tree-day)', () => {
    const by = Object.fromEntries(DEFAULT_EQUIVALENCIES.map((e) => [e.id, e])) as Record<string, Equivalency>;
    expect(by.car_km).toMatchObject({ kind: 'carbon', unit: 'km' });
    expect(gramsPerUnit(by.car_km!, 1)).toBeGreaterThan(100); // an average car emits 100-250 g per km
    expect(gramsPerUnit(by.car_km!, 1)).toBeLessThan(250);
    // a phone battery holds ~0.01-0.02 kWh; a 1 litre boil is at least the 0.099 kWh of heating water by 85 K
    expect(by.smartphone_charges).toMatchObject({ kind: 'energy', kilowattHoursPerUnit: 0.019 });
    const heatKwh = (4.18 * 85) / 3600; // kJ/(kg K) x K / (kJ per kWh)
    expect(heatKwh).toBeCloseTo(0.0987, 4);
    expect(by.kettle_boils!.kind === 'energy' && by.kettle_boils!.kilowattHoursPerUnit).toBeGreaterThan(heatKwh);
    // 0.060 t over 10 years of 365.25 days
    expect(by.tree_days).toMatchObject({ kind: 'carbon', unit: 'tree-days' });
    expect(gramsPerUnit(by.tree_days!, 1)).toBeCloseTo(60000 / 3652.5, 1);
  });

  it('converts grams into units; energy rows at the given intensity', () => {
    const at129 = Object.fromEntries(equivalentsOf(1700, 129).map((e) => [e.id, e]));
    expect(at129.car_km!.amount).toBeCloseTo(10, 12); // 1700 g / 170 g per km
    expect(at129.kettle_boils!.gramsPerUnit).toBeCloseTo(0.11 * 129, 12); // 14.19 g per boil
    expect(at129.kettle_boils!.amount).toBeCloseTo(1700 / 14.19, 9);
    expect(at129.smartphone_charges!.amount).toBeCloseTo(1700 / (0.019 * 129), 9);
    // a cleaner grid makes the same grams worth more boils, the same car km
    const at50 = Object.fromEntries(equivalentsOf(1700, 50).map((e) => [e.id, e]));
    expect(at50.kettle_boils!.amount).toBeCloseTo(1700 / 5.5, 9);
    expect(at50.car_km!.amount).toBe(at129.car_km!.amount);
    expect(equivalentsOf(0, 129).every((e) => e.amount === 0)).toBe(true);
  });

  it('rejects negative grams and a non-positive intensity', () => {
    expect(() => equivalentsOf(-1, 129)).toThrow(RangeError);
    expect(() => equivalentsOf(Number.NaN, 129)).toThrow(RangeError);
    expect(() => equivalentsOf(1, 0)).toThrow(/gramsPerKwh/);
  });

  it('the config replaces the table; each row needs exactly one factor', () => {
    const loaded = testConfig({
      green: {
        windowHours: [2],
        idleRatioThreshold: 0.9,
        equivalencies: [
          { id: 'bus_km', label: 'km by bus', unit: 'km', gramsPerUnit: 100, source: 'local bus operator' },
          {
            id: 'laptop_hours',
            label: 'laptop hours',
            unit: 'hours',
            kilowattHoursPerUnit: 0.05,
            source: 'a 50 W laptop',
          },
        ],
      },
    });
    const table = tableFromConfig(loaded.config.green.equivalencies);
    expect(table).toEqual([
      { id: 'bus_km', label: 'km by bus', unit: 'km', kind: 'carbon', gramsPerUnit: 100, source: 'local bus operator' },
      {
        id: 'laptop_hours',
        label: 'laptop hours',
        unit: 'hours',
        kind: 'energy',
        kilowattHoursPerUnit: 0.05,
        source: 'a 50 W laptop',
      },
    ]);
    expect(tableFromConfig(undefined)).toEqual(DEFAULT_EQUIVALENCIES);
    expect(() =>
      testConfig({
        green: {
          windowHours: [1],
          idleRatioThreshold: 0.9,
          equivalencies: [{ id: 'both', label: 'x', unit: 'u', gramsPerUnit: 1, kilowattHoursPerUnit: 1, source: 's' }],
        },
      })
    ).toThrow(/green\.equivalencies\.0: must match exactly one schema/);
    expect(tableProblems([...DEFAULT_EQUIVALENCIES, DEFAULT_EQUIVALENCIES[0]!])).toEqual([
      'green.equivalencies.4.id: duplicate id "car_km"',
    ]);
  });

  it('window lengths must be whole half-hours within 48 h', () => {
    expect(() => testConfig({ green: { windowHours: [1.25, 49], idleRatioThreshold: 0.9 } })).toThrow(
      /green\.windowHours\.0: must be multiple of 0\.5[\s\S]*green\.windowHours\.1: must be <= 48/
    );
    expect(testConfig({}).config.green).toEqual({ windowHours: [1, 3, 8], idleRatioThreshold: 0.95 });
  });
});
