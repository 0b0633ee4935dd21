import { LoadingState, PanelProps, SelectableValue } from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import { Input, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import React, { useMemo, useState } from 'react';

import { adviceLines } from '../data/advice';
import { dataIssues } from '../data/diagnostics';
import { buildForecastModel } from '../data/forecast';
import { extractSamples } from '../data/frames';
import { filterWorkspaces, sortWorkspaces } from '../data/sortFilter';
import { buildUserModel } from '../data/restWorkspaces';
import { buildSiteModelFromSamples } from '../data/viewModel';
import { SiteAnalysisOptions, SortKey } from '../types';
import { DataIssuesNotice } from './DataIssuesNotice';
import { ForecastStrip } from './ForecastStrip';
import { GreenChoices } from './GreenChoices';
import { getGreenStyles } from './greenStyles';
import { getStyles } from './styles';
import { Totals } from './Totals';
import { useIdleTicker } from './useIdleTicker';
import { WorkspaceList } from './WorkspaceList';

export const SORT_OPTIONS: Array<SelectableValue<SortKey>> = [
  { value: 'idleWaste', label: 'Idle waste', description: 'Most energy used while idle first' },
  { value: 'power', label: 'Power', description: 'Highest current draw first' },
  { value: 'uptime', label: 'Uptime', description: 'Longest running first' },
  { value: 'name', label: 'Name', description: 'By machine type, then host' },
];

type Props = PanelProps<SiteAnalysisOptions>;

export function SiteAnalysisPanel({ data, options, width, height, id, fieldConfig, timeZone }: Props) {
  const styles = useStyles2(getStyles);
  const greenStyles = useStyles2(getGreenStyles);
  const extracted = useMemo(() => extractSamples(data.series), [data.series]);
  const perUser = options.mode === 'user';
  const model = useMemo(
    () => (perUser ? buildUserModel(data.series) : buildSiteModelFromSamples(extracted)),
    [perUser, data.series, extracted]
  );
  // Uptimes are as of the end of the queried range (now, for a live dashboard); they move with each refresh.
  const nowMs = data.timeRange.to.valueOf();
  const forecast = useMemo(
    () => buildForecastModel(extracted.greenSamples, { area: options.forecastArea, nowMs }),
    [extracted, options.forecastArea, nowMs]
  );
  const advice = useMemo(
    () => (forecast.slots.length + forecast.windows.length > 0 ? adviceLines(forecast, nowMs, timeZone) : null),
    [forecast, nowMs, timeZone]
  );
  const issues = useMemo(() => dataIssues(model.diagnostics, forecast.diagnostics), [model, forecast]);
  const [filter, setFilter] = useState('');
  // A sort picked in the panel holds until the default sort option itself changes.
  const [picked, setPicked] = useState<{ option: SortKey; value: SortKey }>({
    option: options.sortBy,
    value: options.sortBy,
  });
  const sortBy = picked.option === options.sortBy ? picked.value : options.sortBy;
  const ticker = useIdleTicker(model.workspaces, options.energyUnit, options.showTicker);

  const visible = useMemo(
    () => sortWorkspaces(filterWorkspaces(model.workspaces, filter), sortBy, nowMs),
    [model.workspaces, filter, sortBy, nowMs]
  );

  const hasError = Boolean(data.errors?.length);
  if (model.workspaces.length === 0) {
    if (data.state === LoadingState.Loading && !hasError) {
      return (
        <div className={styles.empty} data-testid="adacarbon-loading">
          Loading workspaces…
        </div>
      );
    }
    return (
      <PanelDataErrorView
        panelId={id}
        fieldConfig={fieldConfig}
        data={data}
        message={
          hasError ? undefined : perUser ? 'You have no active workspaces' : 'No active workspaces for this site'
        }
      />
    );
  }

  // Nothing of this without its queries: panels set up before the greener choices existed look as they did.
  const showStrip = options.showForecast && forecast.slots.length + forecast.windows.length > 0;
  const showAside = options.showAdvice && (advice !== null || forecast.savings !== null);
  const notice =
    options.showDataIssues && issues.count > 0 ? <DataIssuesNotice issues={issues} styles={greenStyles} /> : null;

  const compact =
    options.layout === 'compact' || (options.layout === 'auto' && model.workspaces.length > options.compactAboveCount);

  return (
    <div className={styles.root} style={{ width, height }} data-testid="adacarbon-panel">
      <Totals totals={model.totals} options={options} styles={styles} ticker={ticker} />
      {(showStrip || showAside) && (
        <div className={greenStyles.row} data-testid="adacarbon-green">
          {showStrip && <ForecastStrip model={forecast} styles={greenStyles} timeZone={timeZone} />}
          {showAside && (
            <GreenChoices advice={advice} savings={forecast.savings} options={options} styles={greenStyles} />
          )}
        </div>
      )}
      {options.showToolbar && (
        <div className={styles.toolbar}>
          <div className={styles.filter}>
            <Input
              value={filter}
              onChange={(e) => setFilter(e.currentTarget.value)}
              placeholder="Filter by user or machine"
              aria-label="Filter workspaces by user or machine"
              data-testid="adacarbon-filter"
            />
          </div>
          <div className={styles.sort}>
            <span className={styles.sortLabel} aria-hidden>
              Sort
            </span>
            <RadioButtonGroup
              options={SORT_OPTIONS}
              value={sortBy}
              onChange={(v) => setPicked({ option: options.sortBy, value: v })}
              size="sm"
              aria-label="Sort workspaces"
            />
          </div>
          <span className={styles.count} data-testid="adacarbon-count" aria-live="polite">
            {visible.length === model.workspaces.length
              ? `${visible.length} workspaces`
              : `${visible.length} of ${model.workspaces.length} workspaces`}
          </span>
          {notice}
        </div>
      )}
      {!options.showToolbar && notice && <div>{notice}</div>}
      {visible.length === 0 ? (
        <div className={styles.empty}>No workspace matches “{filter}”</div>
      ) : (
        <WorkspaceList
          workspaces={visible}
          compact={compact}
          widthPx={width}
          viewportPx={height}
          options={options}
          styles={styles}
          ticker={ticker}
          nowMs={nowMs}
          timeZone={timeZone}
        />
      )}
    </div>
  );
}
