// Carbon equivalencies: grams of CO2e expressed as everyday things. Pure: no I/O.
import type { EquivalencyRow } from '../config/schema';

/**
 * One row of the table. A `carbon` row has a fixed footprint per unit; an `energy` row is an amount of electricity per
 * unit, so its footprint depends on the grid intensity it is converted at (a kettle boil on a windy night emits less).
 */
export type Equivalency =
  | { id: string; label: string; unit: string; kind: 'carbon'; gramsPerUnit: number; source: string }
  | { id: string; label: string; unit: string; kind: 'energy'; kilowattHoursPerUnit: number; source: string };

/**
 * The built-in table. Figures are rounded; each says where it comes from. Replace or extend it with
 * `green.equivalencies` in the config (docs/greener-choices.md).
 */
export const DEFAULT_EQUIVALENCIES: readonly Equivalency[] = [
  {
    id: 'car_km',
    label: 'km driven by an average car',
    unit: 'km',
    kind: 'carbon',
    gramsPerUnit: 170,
    source:
      'UK Government GHG conversion factors (DESNZ), passenger vehicles, average car, unknown fuel: about 0.17 kgCO2e/km',
  },
  {
    id: 'smartphone_charges',
    label: 'smartphone charges',
    unit: 'charges',
    kind: 'energy',
    kilowattHoursPerUnit: 0.019,
    source:
      'US EPA Greenhouse Gas Equivalencies Calculator, calculations and references: 0.019 kWh per smartphone charge',
  },
  {
    id: 'kettle_boils',
    label: 'kettle boils (1 litre)',
    unit: 'boils',
    kind: 'energy',
    kilowattHoursPerUnit: 0.11,
    source:
      'Physics: 1 kg of water from 15 to 100 °C takes 4.18 kJ/(kg·K) x 85 K = 0.099 kWh; about 90% kettle efficiency gives 0.11 kWh',
  },
  {
    id: 'tree_days',
    label: 'days of CO2 uptake by one tree',
    unit: 'tree-days',
    kind: 'carbon',
    gramsPerUnit: 16.4,
    source:
      'US EPA Greenhouse Gas Equivalencies Calculator: an urban tree seedling grown for 10 years sequesters 0.060 t CO2, i.e. 60,000 g / 3,652.5 days',
  },
];

export interface EquivalentAmount {
  id: string;
  label: string;
  unit: string;
  /** how many units the grams amount to */
  amount: number;
  /** grams of CO2e per unit used for this conversion */
  gramsPerUnit: number;
  source: string;
}

/** Grams of CO2e per unit of a row; energy rows need the intensity (gCO2/kWh) to convert at. */
export function gramsPerUnit(e: Equivalency, gramsPerKwh: number): number {
  return e.kind === 'carbon' ? e.gramsPerUnit : e.kilowattHoursPerUnit * gramsPerKwh;
}

/** The grams expressed in every row of the table. Throws RangeError on a negative or non-finite input. */
export function equivalentsOf(
  grams: number,
  gramsPerKwh: number,
  table: readonly Equivalency[] = DEFAULT_EQUIVALENCIES
): EquivalentAmount[] {
  if (!(Number.isFinite(grams) && grams >= 0)) throw new RangeError(`grams must be a finite number >= 0, got ${grams}`);
  if (!(Number.isFinite(gramsPerKwh) && gramsPerKwh > 0))
    throw new RangeError(`gramsPerKwh must be > 0, got ${gramsPerKwh}`);
  return table.map((e) => {
    const per = gramsPerUnit(e, gramsPerKwh);
    return { id: e.id, label: e.label, unit: e.unit, amount: grams / per, gramsPerUnit: per, source: e.source };
  });
}

/** Problems with a table (duplicate ids, non-positive factors), one message each; empty when fine. */
export function tableProblems(table: readonly Equivalency[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  table.forEach((e, i) => {
    if (seen.has(e.id)) out.push(`green.equivalencies.${i}.id: duplicate id ${JSON.stringify(e.id)}`);
    seen.add(e.id);
    const factor = e.kind === 'carbon' ? e.gramsPerUnit : e.kilowattHoursPerUnit;
    if (!(Number.isFinite(factor) && factor > 0)) out.push(`green.equivalencies.${i}: the factor must be > 0`);
  });
  return out;
}

/** The table the config asks for: its own rows when given, else the built-in one. */
export function tableFromConfig(rows: readonly EquivalencyRow[] | undefined): Equivalency[] {
  if (!rows) return [...DEFAULT_EQUIVALENCIES];
  return rows.map((r) =>
    r.gramsPerUnit !== undefined
      ? { id: r.id, label: r.label, unit: r.unit, kind: 'carbon', gramsPerUnit: r.gramsPerUnit, source: r.source }
      : {
          id: r.id,
          label: r.label,
          unit: r.unit,
          kind: 'energy',
          kilowattHoursPerUnit: r.kilowattHoursPerUnit as number,
          source: r.source,
        }
  );
}
