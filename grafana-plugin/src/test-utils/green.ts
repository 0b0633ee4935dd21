/**
 * Deterministic greener-choices series as the exporter publishes them: a 48 h forecast for an area, greenest windows
 * per job length, and idle-shutdown savings per project. Anchored at FIXED_NOW_MS (12:00 UTC) like the fleets.
 */
import { PromSeries } from './exposition';
import { FIXED_NOW_MS } from './fleet';

export const FORECAST_NAME = 'ada_carbon_grid_intensity_forecast_grams_per_kilowatt_hour';

/** A day-shaped curve: high in the early evening, low overnight; integer grams so hand checks are easy. */
export function forecastValues(count = 96): number[] {
  return Array.from({ length: count }, (_, i) => Math.round(180 + 80 * Math.cos(((i - 12) / 48) * 2 * Math.PI)));
}

export function forecastSeries(area: string, values: ReadonlyArray<number | null>): PromSeries[] {
  return values.flatMap((v, i) =>
    v === null ? [] : [{ name: FORECAST_NAME, labels: { area, offset_minutes: String(i * 30) }, value: v }]
  );
}

export interface WindowFixture {
  duration: string;
  available: boolean;
  /** Half-hours after the start of the current one. */
  startSlot?: number;
  meanGramsPerKwh?: number;
  savingRatio?: number;
}

export function windowSeries(area: string, windows: readonly WindowFixture[], nowMs = FIXED_NOW_MS): PromSeries[] {
  const base = Math.floor(nowMs / 1_800_000) * 1800;
  return windows.flatMap((w) => {
    const labels = { area, duration: w.duration };
    const out: PromSeries[] = [
      { name: 'ada_carbon_grid_greenest_window_available', labels, value: w.available ? 1 : 0 },
    ];
    if (w.available) {
      out.push(
        {
          name: 'ada_carbon_grid_greenest_window_start_timestamp_seconds',
          labels,
          value: base + (w.startSlot ?? 0) * 1800,
        },
        {
          name: 'ada_carbon_grid_greenest_window_mean_grams_per_kilowatt_hour',
          labels,
          value: w.meanGramsPerKwh ?? 100,
        }
      );
      if (w.savingRatio !== undefined) {
        out.push({ name: 'ada_carbon_grid_greenest_window_saving_ratio', labels, value: w.savingRatio });
      }
    }
    return out;
  });
}

export interface SavingFixture {
  site: string;
  project: string;
  gramsPerDay: number;
  joulesPerDay: number;
  idleWorkspaces: number;
}

export function savingSeries(rows: readonly SavingFixture[]): PromSeries[] {
  return rows.flatMap((r) => {
    const labels = { site: r.site, project: r.project };
    return [
      { name: 'ada_carbon_idle_shutdown_projected_daily_saving_grams', labels, value: r.gramsPerDay },
      { name: 'ada_carbon_idle_shutdown_projected_daily_saving_joules', labels, value: r.joulesPerDay },
      { name: 'ada_carbon_idle_workspaces', labels, value: r.idleWorkspaces },
    ];
  });
}
