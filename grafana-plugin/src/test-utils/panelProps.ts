import { FieldConfigSource, getDefaultTimeRange, LoadingState, PanelData, PanelProps } from '@grafana/data';

import { DEFAULT_OPTIONS, SiteAnalysisOptions } from '../types';

export function panelData(series: PanelData['series'], extra: Partial<PanelData> = {}): PanelData {
  return { state: LoadingState.Done, series, timeRange: getDefaultTimeRange(), ...extra };
}

/** Props as Grafana passes them to a panel; only what the panel reads is meaningful. */
export function panelProps(
  data: PanelData,
  options: Partial<SiteAnalysisOptions> = {}
): PanelProps<SiteAnalysisOptions> {
  const fieldConfig: FieldConfigSource = { defaults: {}, overrides: [] };
  return {
    id: 1,
    data,
    timeRange: data.timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...options },
    onOptionsChange: () => {},
    onFieldConfigChange: () => {},
    onChangeTimeRange: () => {},
    replaceVariables: (s: string) => s,
    fieldConfig,
    renderCounter: 0,
    title: 'Site analysis',
    transparent: false,
    width: 1200,
    height: 800,
    eventBus: { publish: () => {}, subscribe: () => ({ unsubscribe: () => {} }) } as unknown as PanelProps['eventBus'],
  } as PanelProps<SiteAnalysisOptions>;
}
