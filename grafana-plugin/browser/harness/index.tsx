/**
 * Browser harness: the real panel component with real @grafana/ui and @grafana/data, themed like Grafana, fed with
 * frames built from recorded exporter output. Query string: theme=light|dark, workspaces=<n> (generated fleet instead of
 * the recorded fixture), layout=auto|cards|compact, area=<forecast area option>, mode=user (the per-user mode, fed with
 * rows of GET /api/v1/workspaces as the Infinity datasource frames them).
 * With the recorded fixture, "now" is the instant it was recorded (the forecast's last success), as in Grafana where
 * the instant queries run at the end of the time range.
 */
import {
  createTheme,
  dateTime,
  dateTimeFormat,
  getDefaultTimeRange,
  getValueFormat,
  LoadingState,
  PanelProps,
} from '@grafana/data';
import { GlobalStyles, ThemeContext } from '@grafana/ui';
import React from 'react';
import { flushSync } from 'react-dom';
import { createRoot, Root } from 'react-dom/client';

import { SiteAnalysisPanel } from '../../src/components/SiteAnalysisPanel';
import { buildSiteModel } from '../../src/data/viewModel';
import { fleet, fleetSeries, tableFrames } from '../../src/test-utils/factory';
import { GREEN_METRIC_BY_NAME, METRIC_BY_NAME } from '../../src/data/metrics';
import { parseExposition, PromSeries } from '../../src/test-utils/exposition';
import { panelProps } from '../../src/test-utils/panelProps';
import { workspaceRowsFrame } from '../../src/test-utils/rest';
import { DEFAULT_OPTIONS, LayoutMode, SiteAnalysisOptions } from '../../src/types';
import recorded from '../fixtures/exporter-metrics.prom';

const params = new URLSearchParams(window.location.search);
const mode = params.get('theme') === 'dark' ? 'dark' : 'light';
const theme = createTheme({ colors: { mode } });
const WIDTH = 1280;
const HEIGHT = 880;

const RECORDED = parseExposition(recorded);
const recordedAtMs =
  1000 *
  Math.max(
    ...RECORDED.filter((s) => s.name === 'ada_carbon_grid_forecast_last_success_timestamp_seconds').map((s) => s.value)
  );

/** The series the panel's queries would return: workspace and greener-choices metrics. */
function seriesFor(count: number | null): PromSeries[] {
  return count === null
    ? RECORDED.filter((s) => METRIC_BY_NAME[s.name] || GREEN_METRIC_BY_NAME[s.name])
    : fleetSeries(fleet(count));
}

function timeRangeFor(count: number | null) {
  if (count !== null || !Number.isFinite(recordedAtMs)) {
    return getDefaultTimeRange();
  }
  return {
    from: dateTime(recordedAtMs - 6 * 3600_000),
    to: dateTime(recordedAtMs),
    raw: { from: 'now-6h', to: 'now' },
  };
}

function App({ props }: { props: PanelProps<SiteAnalysisOptions> }) {
  return (
    <ThemeContext.Provider value={theme}>
      <div
        data-testid="harness-panel-frame"
        style={{
          // border-box (Grafana's global style): the frame adds its padding and border around the panel's size
          width: WIDTH + 2 * 9,
          height: HEIGHT + 2 * 9,
          padding: 8,
          margin: 16,
          background: theme.colors.background.primary,
          border: `1px solid ${theme.colors.border.weak}`,
          borderRadius: theme.shape.radius.default,
        }}
      >
        <SiteAnalysisPanel {...props} width={WIDTH} height={HEIGHT} />
      </div>
    </ThemeContext.Provider>
  );
}

let root: Root | null = null;

/** Renders synchronously and forces layout, returning milliseconds; used by the benchmark. */
function renderNow(count: number | null, layout: LayoutMode): number {
  const container = document.getElementById('root')!;
  root?.unmount();
  container.innerHTML = '';
  root = createRoot(container);
  // Frames as Grafana hands them over, stamped with the real clock; built before timing starts.
  const timeRange = timeRangeFor(count);
  const perUser = params.get('mode') === 'user';
  const frames = perUser ? [workspaceRowsFrame()] : tableFrames(seriesFor(count), timeRange.to.valueOf());
  const data = { state: LoadingState.Done, series: frames, timeRange };
  const props = panelProps(data, {
    ...DEFAULT_OPTIONS,
    mode: perUser ? 'user' : 'site',
    layout,
    forecastArea: params.get('area') ?? '',
  });
  const t0 = performance.now();
  flushSync(() => root!.render(<App props={props} />));
  void document.body.offsetHeight; // include style and layout, not just React's commit
  return performance.now() - t0;
}

/** Frames -> view model alone, the panel's pure data step; for the benchmark's breakdown. */
function timeModel(count: number): number {
  const frames = tableFrames(seriesFor(count), Date.now());
  const t0 = performance.now();
  buildSiteModel(frames);
  return performance.now() - t0;
}

declare global {
  interface Window {
    harness: {
      renderNow: typeof renderNow;
      timeModel: typeof timeModel;
      ready: boolean;
      initialRenderMs: number;
      tickCallbacks: Array<() => void>;
    };
  }
}

// Keep the panel's one-second interval callbacks so the benchmark can time a single tick.
const tickCallbacks: Array<() => void> = [];
const realSetInterval = window.setInterval.bind(window);
window.setInterval = ((handler: TimerHandler, timeout?: number, ...args: unknown[]) => {
  if (timeout === 1000 && typeof handler === 'function') {
    tickCallbacks.push(handler as () => void);
  }
  return realSetInterval(handler, timeout, ...args);
}) as typeof window.setInterval;

// Grafana's global styles belong to Grafana, not to the panel: mounted once, outside the timed renders.
const globalRoot = document.createElement('div');
document.body.appendChild(globalRoot);
flushSync(() =>
  createRoot(globalRoot).render(
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
    </ThemeContext.Provider>
  )
);
document.body.style.background = theme.colors.background.canvas;
// A running Grafana built its value-format registry (with i18n) and date formats at start-up, long before any panel
// renders; build them here too so the timings are the panel's own work.
getValueFormat('watt')(1);
dateTimeFormat(Date.now(), { timeZone: 'utc' });
const countParam = params.get('workspaces');
const layoutParam = (params.get('layout') as LayoutMode | null) ?? 'auto';
const initialRenderMs = renderNow(countParam === null ? null : Number(countParam), layoutParam);
window.harness = { renderNow, timeModel, ready: true, initialRenderMs, tickCallbacks };
