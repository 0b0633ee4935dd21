/** Display strings through Grafana's value formatters. Inputs are base units (J, g, W, s, ratio 0-1). */
import { dateTimeFormat, formattedValueToString, getValueFormat } from '@grafana/data';

import { CarbonUnit, EnergyUnit } from '../types';

export const JOULES_PER_KWH = 3.6e6;
export const JOULES_PER_WH = 3600;
export const MISSING = '—';

const MAX_DECIMALS = 7;

function fmt(unitId: string, value: number, decimals?: number): string {
  return formattedValueToString(getValueFormat(unitId)(value, decimals));
}

/** The number shown and the Grafana unit id for an energy in the chosen unit. */
function energyScaled(joules: number, unit: EnergyUnit): { value: number; unitId: string } {
  switch (unit) {
    case 'kWh':
      return { value: joules / JOULES_PER_KWH, unitId: 'suffix:kWh' };
    case 'Wh':
      return { value: joules / JOULES_PER_WH, unitId: 'suffix:Wh' };
    case 'auto':
      return { value: joules / JOULES_PER_WH, unitId: 'watth' };
  }
}

export function formatEnergy(joules: number | null, unit: EnergyUnit, decimals = 2): string {
  if (joules === null) {
    return MISSING;
  }
  const { value, unitId } = energyScaled(joules, unit);
  return fmt(unitId, value, decimals);
}

export function formatCarbon(grams: number | null, unit: CarbonUnit, decimals = 2): string {
  if (grams === null) {
    return MISSING;
  }
  switch (unit) {
    case 'kg':
      return fmt('suffix:kgCO₂e', grams / 1000, decimals);
    case 'g':
      return fmt('suffix:gCO₂e', grams, decimals);
    case 'auto':
      return fmt('si:gCO₂e', grams, decimals);
  }
}

export function formatPower(watts: number | null): string {
  return watts === null ? MISSING : fmt('watt', watts, 1);
}

export function formatRatio(ratio: number | null): string {
  return ratio === null ? MISSING : fmt('percentunit', ratio, 0);
}

export function formatDuration(seconds: number | null): string {
  return seconds === null ? MISSING : fmt('dtdurations', seconds, 1);
}

export function formatStartedAt(timestampSeconds: number | null, timeZone?: string): string {
  return timestampSeconds === null
    ? MISSING
    : dateTimeFormat(timestampSeconds * 1000, { timeZone, format: 'YYYY-MM-DD HH:mm' });
}

/**
 * Decimals for a ticking energy so that one second of idle power changes the last digit:
 * e.g. 10 W is 0.0028 Wh/s -> 3 decimals in Wh, 6 in kWh.
 */
export function tickerDecimals(rateWatts: number, joules: number, unit: EnergyUnit): number {
  if (!(rateWatts > 0)) {
    return 2;
  }
  let perSecond = rateWatts / (unit === 'kWh' ? JOULES_PER_KWH : JOULES_PER_WH);
  if (unit === 'auto') {
    // Grafana scales by powers of 1000 from Wh; the step must be visible in the scaled unit.
    const wh = joules / JOULES_PER_WH;
    const steps = wh >= 1 ? Math.floor(Math.log10(wh) / 3) : 0;
    perSecond /= Math.pow(1000, steps);
  }
  const decimals = Math.ceil(-Math.log10(perSecond));
  return Math.min(MAX_DECIMALS, Math.max(2, decimals));
}

export function formatGramsPerKwh(gramsPerKwh: number | null): string {
  return gramsPerKwh === null ? MISSING : fmt('suffix:gCO₂/kWh', gramsPerKwh, 0);
}
