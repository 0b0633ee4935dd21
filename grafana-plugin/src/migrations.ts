/**
 * Options migration: any saved options (older versions, hand-edited JSON, provisioning) -> a complete, valid options
 * object. New options get their defaults; unknown enum values fall back to the default; thresholds are kept in 0-1
 * and ordered. Renamed options are mapped here when they change.
 */
import { PanelModel } from '@grafana/data';

import { ALL_CARD_FIELDS, CardField, DEFAULT_OPTIONS, SiteAnalysisOptions } from './types';

const ENUMS = {
  energyUnit: ['kWh', 'Wh', 'auto'],
  carbonUnit: ['kg', 'g', 'auto'],
  sortBy: ['idleWaste', 'power', 'uptime', 'name'],
  layout: ['auto', 'cards', 'compact'],
  mode: ['site', 'user'],
} as const;

function pick<K extends keyof typeof ENUMS>(raw: Record<string, unknown>, key: K): SiteAnalysisOptions[K] {
  const v = raw[key];
  return (ENUMS[key] as readonly unknown[]).includes(v) ? (v as SiteAnalysisOptions[K]) : DEFAULT_OPTIONS[key];
}

function ratio(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : fallback;
}

type BooleanOption = 'showToolbar' | 'showForecast' | 'showAdvice' | 'showDataIssues';

function bool(raw: Record<string, unknown>, key: BooleanOption): boolean {
  const v = raw[key];
  return typeof v === 'boolean' ? v : DEFAULT_OPTIONS[key];
}

export function migrateOptions(rawOptions: unknown): SiteAnalysisOptions {
  const raw = (rawOptions && typeof rawOptions === 'object' ? rawOptions : {}) as Record<string, unknown>;
  let warning = ratio(raw.idleWarningRatio, DEFAULT_OPTIONS.idleWarningRatio);
  let critical = ratio(raw.idleCriticalRatio, DEFAULT_OPTIONS.idleCriticalRatio);
  if (warning > critical) {
    [warning, critical] = [critical, warning];
  }
  const fields = Array.isArray(raw.cardFields)
    ? raw.cardFields.filter((f): f is CardField => (ALL_CARD_FIELDS as readonly unknown[]).includes(f))
    : [...DEFAULT_OPTIONS.cardFields];
  const count = raw.compactAboveCount;
  return {
    mode: pick(raw, 'mode'),
    energyUnit: pick(raw, 'energyUnit'),
    carbonUnit: pick(raw, 'carbonUnit'),
    idleWarningRatio: warning,
    idleCriticalRatio: critical,
    sortBy: pick(raw, 'sortBy'),
    layout: pick(raw, 'layout'),
    compactAboveCount:
      typeof count === 'number' && Number.isFinite(count) && count >= 0
        ? Math.floor(count)
        : DEFAULT_OPTIONS.compactAboveCount,
    cardFields: fields,
    showTicker: typeof raw.showTicker === 'boolean' ? raw.showTicker : DEFAULT_OPTIONS.showTicker,
    showToolbar: bool(raw, 'showToolbar'),
    showForecast: bool(raw, 'showForecast'),
    showAdvice: bool(raw, 'showAdvice'),
    forecastArea: typeof raw.forecastArea === 'string' ? raw.forecastArea.trim() : DEFAULT_OPTIONS.forecastArea,
    showDataIssues: bool(raw, 'showDataIssues'),
  };
}

/** Grafana calls this when a saved panel's plugin version differs from the installed one. */
export function migrationHandler(panel: PanelModel<Partial<SiteAnalysisOptions>>): SiteAnalysisOptions {
  return migrateOptions(panel.options);
}
