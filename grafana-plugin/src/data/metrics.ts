/**
 * The exporter's metric contract, as the panel sees it: which query (refId) or metric name carries which quantity.
 * queries.json is the single list of recommended queries; this file only maps its refIds and the metric names.
 */
import queries from '../queries.json';

export type MetricKey =
  | 'powerWatts'
  | 'idlePowerWatts'
  | 'idleRatio'
  | 'cpus'
  | 'startedTimestampSeconds'
  | 'energyJoules'
  | 'emissionsGrams';

export interface RecommendedQuery {
  refId: string;
  expr: string;
  format: 'table' | 'time_series';
  instant: boolean;
  legendFormat: string;
}

export const RECOMMENDED_QUERIES: readonly RecommendedQuery[] = queries as RecommendedQuery[];

export const METRIC_BY_REF_ID: Readonly<Record<string, MetricKey>> = {
  power_watts: 'powerWatts',
  idle_power_watts: 'idlePowerWatts',
  idle_ratio: 'idleRatio',
  cpus: 'cpus',
  started: 'startedTimestampSeconds',
  energy_joules: 'energyJoules',
  emissions_grams: 'emissionsGrams',
};

/** Fallback when a query keeps the metric name (a bare selector) but uses another refId. */
export const METRIC_BY_NAME: Readonly<Record<string, MetricKey>> = {
  ada_carbon_workspace_power_watts: 'powerWatts',
  ada_carbon_workspace_idle_power_watts: 'idlePowerWatts',
  ada_carbon_workspace_idle_ratio: 'idleRatio',
  ada_carbon_workspace_cpus: 'cpus',
  ada_carbon_workspace_started_timestamp_seconds: 'startedTimestampSeconds',
  ada_carbon_workspace_energy_joules_total: 'energyJoules',
  ada_carbon_workspace_emissions_grams_total: 'emissionsGrams',
};

/** The greener-choices metrics: grid forecast, greenest windows and idle-shutdown savings. */
export type GreenMetricKey =
  | 'forecastGramsPerKwh'
  | 'windowStartTimestampSeconds'
  | 'windowMeanGramsPerKwh'
  | 'windowSavingRatio'
  | 'windowAvailable'
  | 'idleSavingGramsPerDay'
  | 'idleSavingJoulesPerDay'
  | 'idleWorkspaces';

export const GREEN_METRIC_BY_REF_ID: Readonly<Record<string, GreenMetricKey>> = {
  forecast: 'forecastGramsPerKwh',
  window_start: 'windowStartTimestampSeconds',
  window_mean: 'windowMeanGramsPerKwh',
  window_saving: 'windowSavingRatio',
  window_available: 'windowAvailable',
  idle_saving_grams: 'idleSavingGramsPerDay',
  idle_saving_joules: 'idleSavingJoulesPerDay',
  idle_workspaces: 'idleWorkspaces',
};

export const GREEN_METRIC_BY_NAME: Readonly<Record<string, GreenMetricKey>> = {
  ada_carbon_grid_intensity_forecast_grams_per_kilowatt_hour: 'forecastGramsPerKwh',
  ada_carbon_grid_greenest_window_start_timestamp_seconds: 'windowStartTimestampSeconds',
  ada_carbon_grid_greenest_window_mean_grams_per_kilowatt_hour: 'windowMeanGramsPerKwh',
  ada_carbon_grid_greenest_window_saving_ratio: 'windowSavingRatio',
  ada_carbon_grid_greenest_window_available: 'windowAvailable',
  ada_carbon_idle_shutdown_projected_daily_saving_grams: 'idleSavingGramsPerDay',
  ada_carbon_idle_shutdown_projected_daily_saving_joules: 'idleSavingJoulesPerDay',
  ada_carbon_idle_workspaces: 'idleWorkspaces',
};

/** The workspace identity labels of the contract. */
export const WORKSPACE_LABELS = ['site', 'project', 'machine', 'host', 'user'] as const;
export type WorkspaceLabel = (typeof WORKSPACE_LABELS)[number];

export const UNKNOWN_LABEL = 'unknown';
