import type { Registry } from 'prom-client';
import { slotStart } from '../model/slots';
import { FORECAST_HORIZON_SECONDS } from '../green/window';
import { snapshotGauge, type GreenSources } from './greenCommon';

export const GRID_FORECAST = 'ada_carbon_grid_intensity_forecast_grams_per_kilowatt_hour';

/** At most 96 half-hours per area: offset_minutes is bounded by the 48 h horizon. */
export const gridForecast = (registry: Registry, src: GreenSources) =>
  snapshotGauge(registry, {
    name: GRID_FORECAST,
    help: 'Forecast GB grid carbon intensity in grams of CO2 per kWh for the half-hour starting offset_minutes after the start of the current half-hour (0 = now), up to 48 h ahead. Refreshed on the half-hour.',
    labelNames: ['area', 'offset_minutes'] as const,
    fill: (set) => {
      const s = src.forecast();
      if (s.atSeconds === undefined) return;
      const first = slotStart(s.atSeconds);
      for (const a of s.areas) {
        for (const slot of a.slots) {
          const offset = slot.fromSeconds - first;
          if (offset < 0 || offset >= FORECAST_HORIZON_SECONDS || slot.forecast === null) continue;
          set({ area: a.area, offset_minutes: String(offset / 60) }, slot.forecast);
        }
      }
    },
  });
