import {
  formatCarbon,
  formatDuration,
  formatEnergy,
  formatPower,
  formatRatio,
  formatStartedAt,
  MISSING,
  tickerDecimals,
} from './format';

describe('formatters', () => {
  it('energy in fixed kWh or Wh, or SI-scaled', () => {
    expect(formatEnergy(7.2e6, 'kWh')).toBe('2.00 kWh');
    expect(formatEnergy(7.2e6, 'Wh')).toBe('2000.00 Wh');
    expect(formatEnergy(7.2e6, 'auto')).toBe('2.00 kWh');
    expect(formatEnergy(3.6e9, 'auto')).toBe('1.00 MWh');
    expect(formatEnergy(null, 'kWh')).toBe(MISSING);
  });

  it('carbon in kg or g of CO2e', () => {
    expect(formatCarbon(1472.6, 'kg')).toBe('1.47 kgCO₂e');
    expect(formatCarbon(1472.6, 'g', 1)).toBe('1472.6 gCO₂e');
    expect(formatCarbon(1472.6, 'auto')).toBe('1.47 kgCO₂e');
    expect(formatCarbon(null, 'g')).toBe(MISSING);
  });

  it('power, ratio, duration and start time', () => {
    expect(formatPower(1234)).toBe('1.2 kW');
    expect(formatPower(12)).toBe('12.0 W');
    expect(formatRatio(0.873)).toBe('87%');
    expect(formatDuration(90061)).toBe('1 day, 1 hour');
    expect(formatStartedAt(Date.UTC(2026, 10, 28, 9, 30) / 1000, 'utc')).toBe('2026-11-28 09:30');
    expect([formatPower(null), formatRatio(null), formatDuration(null), formatStartedAt(null)]).toEqual([
      MISSING,
      MISSING,
      MISSING,
      MISSING,
    ]);
  });

  it('ticker decimals make one second of idle power visible', () => {
    // 10 W = 2.8e-6 kWh/s -> 6 decimals; 2.8e-3 Wh/s -> 3 decimals
    expect(tickerDecimals(10, 1e6, 'kWh')).toBe(6);
    expect(tickerDecimals(10, 1e6, 'Wh')).toBe(3);
    // 10 kW is 2.8 Wh/s: 2 decimals are enough even in kWh (0.0028 kWh/s needs 3)
    expect(tickerDecimals(10_000, 1e9, 'kWh')).toBe(3);
    // auto: 1e9 J = 277.8 kWh, so the step is 2.8e-6 in kWh -> 6 decimals
    expect(tickerDecimals(10, 1e9, 'auto')).toBe(6);
    expect(tickerDecimals(0, 1e9, 'kWh')).toBe(2);
    const rate = 10;
    const d = tickerDecimals(rate, 1e6, 'kWh');
    expect(formatEnergy(1e6, 'kWh', d)).not.toBe(formatEnergy(1e6 + rate, 'kWh', d));
  });
});
