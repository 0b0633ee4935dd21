import type { TrackingSnapshot } from '../../tracking/snapshot';
import { familiesOf, type Family } from '../table';

const family = familiesOf<TrackingSnapshot>();

const perArea = (s: TrackingSnapshot) => Object.entries(s.intensity).flatMap(([area, r]) => (r ? [{ area, r }] : []));

/** The grid intensity the last cycle used, per area. */
export const GRID_FAMILIES: readonly Family<TrackingSnapshot>[] = [
  family({
    name: 'ada_carbon_grid_intensity_grams_per_kilowatt_hour',
    help: 'GB grid carbon intensity used for the current half-hour, in grams of CO2 per kWh (actual, else forecast, else the configured fallback).',
    type: 'gauge',
    labels: ['area'],
    samples: (s) => perArea(s).map(({ area, r }) => [{ area }, r.gramsPerKwh]),
  }),
  family({
    name: 'ada_carbon_grid_intensity_fallback',
    help: '1 when the grid intensity of the area is the configured fallback value rather than API data, else 0.',
    type: 'gauge',
    labels: ['area'],
    samples: (s) => perArea(s).map(({ area, r }) => [{ area }, r.fallback ? 1 : 0]),
  }),
];
