import { PanelPlugin, SelectableValue } from '@grafana/data';

import { SiteAnalysisPanel, SORT_OPTIONS } from './components/SiteAnalysisPanel';
import { migrationHandler } from './migrations';
import { ALL_CARD_FIELDS, CardField, DEFAULT_OPTIONS, SiteAnalysisOptions } from './types';

const FIELD_LABELS: Record<CardField, string> = {
  host: 'Host',
  user: 'User',
  startedAt: 'Started at',
  uptime: 'Uptime',
  cpus: 'vCPUs',
  power: 'Power now',
  idleRatio: 'Idle ratio',
  busyEnergy: 'Busy energy',
  idleEnergy: 'Idle energy (ticker)',
  carbon: 'Carbon',
};

export const plugin = new PanelPlugin<SiteAnalysisOptions>(SiteAnalysisPanel)
  .setMigrationHandler(migrationHandler)
  .setPanelOptions((builder) =>
    builder
      .addRadio({
        path: 'mode',
        name: 'Workspaces',
        description:
          'Site: from the Prometheus queries. My workspaces: rows of GET /api/v1/workspaces through the Infinity ' +
          'datasource with the proxy token, which answers with the signed-in user’s workspaces only.',
        defaultValue: DEFAULT_OPTIONS.mode,
        settings: {
          options: [
            { value: 'site', label: 'Site' },
            { value: 'user', label: 'My workspaces' },
          ],
        },
      })
      .addRadio({
        category: ['Units'],
        path: 'energyUnit',
        name: 'Energy unit',
        defaultValue: DEFAULT_OPTIONS.energyUnit,
        settings: {
          options: [
            { value: 'kWh', label: 'kWh' },
            { value: 'Wh', label: 'Wh' },
            { value: 'auto', label: 'Auto' },
          ],
        },
      })
      .addRadio({
        category: ['Units'],
        path: 'carbonUnit',
        name: 'Carbon unit',
        defaultValue: DEFAULT_OPTIONS.carbonUnit,
        settings: {
          options: [
            { value: 'kg', label: 'kgCO₂e' },
            { value: 'g', label: 'gCO₂e' },
            { value: 'auto', label: 'Auto' },
          ],
        },
      })
      .addSliderInput({
        category: ['Thresholds'],
        path: 'idleWarningRatio',
        name: 'Idle warning',
        description: 'Idle ratio (0-1) from which a workspace is shown as a warning',
        defaultValue: DEFAULT_OPTIONS.idleWarningRatio,
        settings: { min: 0, max: 1, step: 0.05 },
      })
      .addSliderInput({
        category: ['Thresholds'],
        path: 'idleCriticalRatio',
        name: 'Idle critical',
        description: 'Idle ratio (0-1) from which a workspace is shown as critical',
        defaultValue: DEFAULT_OPTIONS.idleCriticalRatio,
        settings: { min: 0, max: 1, step: 0.05 },
      })
      .addSelect({
        category: ['Sort and layout'],
        path: 'sortBy',
        name: 'Default sort',
        defaultValue: DEFAULT_OPTIONS.sortBy,
        settings: { options: SORT_OPTIONS },
      })
      .addRadio({
        category: ['Sort and layout'],
        path: 'layout',
        name: 'Layout',
        defaultValue: DEFAULT_OPTIONS.layout,
        settings: {
          options: [
            { value: 'auto', label: 'Auto' },
            { value: 'cards', label: 'Cards' },
            { value: 'compact', label: 'Compact' },
          ],
        },
      })
      .addNumberInput({
        category: ['Sort and layout'],
        path: 'compactAboveCount',
        name: 'Compact above',
        description: 'In auto layout, show compact rows when there are more workspaces than this',
        defaultValue: DEFAULT_OPTIONS.compactAboveCount,
        settings: { min: 0, integer: true },
        showIf: (o) => o.layout === 'auto',
      })
      .addBooleanSwitch({
        category: ['Sort and layout'],
        path: 'showToolbar',
        name: 'Show filter and sort bar',
        defaultValue: DEFAULT_OPTIONS.showToolbar,
      })
      .addMultiSelect({
        category: ['Cards'],
        path: 'cardFields',
        name: 'Fields on cards',
        defaultValue: DEFAULT_OPTIONS.cardFields,
        settings: {
          // Grafana types multi-select options by the option's whole value (an array); each entry is one field.
          options: ALL_CARD_FIELDS.map((f) => ({ value: f, label: FIELD_LABELS[f] })) as unknown as Array<
            SelectableValue<CardField[]>
          >,
        },
      })
      .addBooleanSwitch({
        category: ['Ticker'],
        path: 'showTicker',
        name: 'Live idle ticker',
        description: 'Advance idle energy every second from the current idle power between refreshes',
        defaultValue: DEFAULT_OPTIONS.showTicker,
      })
      .addBooleanSwitch({
        category: ['Greener choices'],
        path: 'showForecast',
        name: 'Forecast strip',
        description: 'The 48 h grid forecast with the greenest window per job length (needs the forecast queries)',
        defaultValue: DEFAULT_OPTIONS.showForecast,
      })
      .addBooleanSwitch({
        category: ['Greener choices'],
        path: 'showAdvice',
        name: 'Advice and idle savings',
        description: 'When to start a job, and what shutting idle workspaces down would save per day',
        defaultValue: DEFAULT_OPTIONS.showAdvice,
      })
      .addRadio({
        category: ['Greener choices'],
        path: 'forecastArea',
        name: 'Forecast area',
        description: 'Which area to show when the queries return both (the dashboard variable $area usually picks one)',
        defaultValue: DEFAULT_OPTIONS.forecastArea,
        settings: {
          options: [
            { value: '', label: 'First in the data' },
            { value: 'national', label: 'National' },
            { value: 'regional', label: 'Regional' },
          ],
        },
      })
      .addBooleanSwitch({
        category: ['Data quality'],
        path: 'showDataIssues',
        name: 'Data issues notice',
        description: 'A small notice counting duplicate, NaN and unrecognised series',
        defaultValue: DEFAULT_OPTIONS.showDataIssues,
      })
  );
