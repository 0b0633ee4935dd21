// What the shipped dashboards may use and must contain, for the static dashboard checks.
import { allPanels } from './artifacts';
import type { DashboardJson, DatasourceRef } from './shapes';

// Panels shipped with Grafana 12 (no install needed).
export const CORE_PANELS = new Set([
  'row',
  'timeseries',
  'stat',
  'gauge',
  'bargauge',
  'barchart',
  'table',
  'piechart',
  'state-timeline',
  'status-history',
  'heatmap',
  'histogram',
  'text',
  'news',
  'logs',
  'nodeGraph',
  'traces',
  'flamegraph',
  'geomap',
  'canvas',
  'xychart',
  'trend',
  'candlestick',
  'dashlist',
  'alertlist',
  'annolist',
  'datagrid',
]);
export const USAGE_FIELDS = new Set([
  'time',
  'busy_cpu_seconds',
  'idle_cpu_seconds',
  'busy_kwh',
  'idle_kwh',
  'busy_gCo2eq',
  'idle_gCo2eq',
  'hours_expected',
  'hours_estimated',
  'hours_failed',
  'hours_fallback',
]);
export const REQUIRED = {
  'ada-carbon-site': 'site analysis',
  'ada-carbon-project': 'project history',
  'ada-carbon-user': 'user view',
  'ada-carbon-grid': 'grid intensity',
  'ada-carbon-exporter-health': 'exporter health',
};

export function datasourceRefs(d: DashboardJson): Array<{ where: string; ref: DatasourceRef }> {
  const out: Array<{ where: string; ref: DatasourceRef }> = [];
  for (const p of allPanels(d)) {
    if (p.datasource !== undefined) out.push({ where: `panel "${p.title}"`, ref: p.datasource });
    for (const t of p.targets ?? [])
      if (t.datasource !== undefined) out.push({ where: `panel "${p.title}" ${t.refId}`, ref: t.datasource });
  }
  for (const v of d.templating?.list ?? [])
    if (v.datasource !== undefined) out.push({ where: `variable ${v.name}`, ref: v.datasource });
  for (const a of d.annotations?.list ?? [])
    if (a.datasource !== undefined) out.push({ where: `annotation ${a.name}`, ref: a.datasource });
  return out;
}
