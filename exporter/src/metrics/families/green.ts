import { slotStart } from '../../model/slots';
import type { SavingsView } from '../../green/projection';
import type { ForecastSnapshot } from '../../green/refresher';
import { durationLabel, FORECAST_HORIZON_SECONDS, type WindowFound } from '../../green/window';
import { familiesOf, type Family, type Sample } from '../table';

const forecastFamily = familiesOf<ForecastSnapshot>();
const savingsFamily = familiesOf<SavingsView>();

type WindowLabel = 'area' | 'duration';

/** One sample per found greenest window, labelled {area, duration}. */
const perWindow = (name: string, help: string, value: (w: WindowFound) => number | null) =>
  forecastFamily({
    name,
    help,
    type: 'gauge',
    labels: ['area', 'duration'],
    samples: (s) =>
      s.windows.flatMap(({ area, advice }) =>
        advice.flatMap((a): Array<Sample<WindowLabel>> =>
          a.kind === 'window' ? [[{ area, duration: durationLabel(a.durationSeconds) }, value(a)]] : []
        )
      ),
  });

/** At most 96 half-hours per area: offset_minutes is bounded by the 48 h horizon. */
function* forecastSlots(s: ForecastSnapshot): Iterable<Sample<'area' | 'offset_minutes'>> {
  if (s.atSeconds === undefined) return;
  const first = slotStart(s.atSeconds);
  for (const a of s.areas) {
    for (const slot of a.slots) {
      const offset = slot.fromSeconds - first;
      if (offset < 0 || offset >= FORECAST_HORIZON_SECONDS || slot.forecast === null) continue;
      yield [{ area: a.area, offset_minutes: String(offset / 60) }, slot.forecast];
    }
  }
}

/** The forecast and greenest-window families, read from the refresher's snapshot. */
export const FORECAST_FAMILIES: readonly Family<ForecastSnapshot>[] = [
  forecastFamily({
    name: 'ada_carbon_grid_intensity_forecast_grams_per_kilowatt_hour',
    help: 'Forecast GB grid carbon intensity in grams of CO2 per kWh for the half-hour starting offset_minutes after the start of the current half-hour (0 = now), up to 48 h ahead. Refreshed on the half-hour.',
    type: 'gauge',
    labels: ['area', 'offset_minutes'],
    samples: forecastSlots,
  }),
  perWindow(
    'ada_carbon_grid_greenest_window_start_timestamp_seconds',
    'Unix time in seconds at which a job of the given duration should start for the lowest mean forecast intensity in the next 48 h (whole half-hours, earliest on ties). Absent when there is no advice (see ada_carbon_grid_greenest_window_available).',
    (w) => w.startSeconds
  ),
  perWindow(
    'ada_carbon_grid_greenest_window_mean_grams_per_kilowatt_hour',
    'Mean forecast grid intensity in grams of CO2 per kWh over the greenest window of the given duration.',
    (w) => w.meanGramsPerKwh
  ),
  perWindow(
    'ada_carbon_grid_greenest_window_saving_ratio',
    'Share of carbon saved (0-1) by running a job of the given duration in the greenest window rather than starting it now: (mean now - mean in window) / mean now.',
    (w) => w.savingRatio
  ),
  forecastFamily({
    name: 'ada_carbon_grid_greenest_window_available',
    help: '1 when there is greenest-window advice for the area and duration, 0 when there is none (no forecast during an outage, a window longer than the forecast, or gaps); the REST endpoint says why.',
    type: 'gauge',
    labels: ['area', 'duration'],
    samples: (s) =>
      s.windows.flatMap(({ area, advice }) =>
        advice.map((a): Sample<WindowLabel> => [
          { area, duration: durationLabel(a.durationSeconds) },
          a.kind === 'window' ? 1 : 0,
        ])
      ),
  }),
  forecastFamily({
    name: 'ada_carbon_grid_forecast_up',
    help: '1 when the last 48 h forecast refresh of the area succeeded, else 0 (the last good forecast is then kept while it covers the future).',
    type: 'gauge',
    labels: ['area'],
    samples: (s) => s.areas.map((a) => [{ area: a.area }, a.up ? 1 : 0]),
  }),
  forecastFamily({
    name: 'ada_carbon_grid_forecast_last_success_timestamp_seconds',
    help: 'Unix time in seconds of the last successful 48 h forecast refresh of the area.',
    type: 'gauge',
    labels: ['area'],
    samples: (s) => s.areas.map((a) => [{ area: a.area }, a.lastSuccessSeconds]),
  }),
];

/** Per site and project only: per-user figures are served by GET /api/v1/idle-waste (users are unbounded). */
const perGroup = (name: string, help: string, value: (g: SavingsView['groups'][number]) => number) =>
  savingsFamily({
    name,
    help,
    type: 'gauge',
    labels: ['site', 'project'],
    samples: (v) => v.groups.map((g) => [{ site: g.site, project: g.project }, value(g)]),
  });

/** The idle-workspace families, read from the savings view. */
export const SAVINGS_FAMILIES: readonly Family<SavingsView>[] = [
  perGroup(
    'ada_carbon_idle_workspaces',
    'Active workspaces whose CPU idle ratio over the last tracking interval is at least green.idleRatioThreshold (shutdown candidates), by site and project.',
    (g) => g.idleWorkspaces
  ),
  perGroup(
    'ada_carbon_idle_shutdown_projected_daily_saving_joules',
    'Energy in joules that shutting down the idle workspaces of a site and project would save per day: their fully idle draw over 24 h by the tracking power model, PUE included.',
    (g) => g.shutdownSavingJoulesPerDay
  ),
  perGroup(
    'ada_carbon_idle_shutdown_projected_daily_saving_grams',
    'Grams of CO2e that shutting down the idle workspaces of a site and project would save per day, at the mean forecast intensity of the next 24 h (else the current, else the fallback intensity).',
    (g) => g.shutdownSavingGramsPerDay
  ),
];
