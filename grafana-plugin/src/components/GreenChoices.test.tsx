import { act, fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import { fleet, fleetSeries, FIXED_NOW_MS, tableFrames, workspaceFixture } from '../test-utils/factory';
import { PromSeries } from '../test-utils/exposition';
import { forecastSeries, forecastValues, savingSeries, windowSeries, WindowFixture } from '../test-utils/green';
import { panelData, panelProps } from '../test-utils/panelProps';
import { SiteAnalysisOptions } from '../types';
import { SiteAnalysisPanel } from './SiteAnalysisPanel';

const WINDOWS: WindowFixture[] = [
  { duration: '1h', available: true, startSlot: 29, meanGramsPerKwh: 100, savingRatio: 0.5 },
  { duration: '3h', available: true, startSlot: 4, meanGramsPerKwh: 120, savingRatio: 0.35 },
  { duration: '8h', available: false },
];
const SAVINGS = savingSeries([
  { site: 'isis', project: 'IDAaaS', gramsPerDay: 1200, joulesPerDay: 7.2e6, idleWorkspaces: 3 },
  { site: 'isis', project: 'Other', gramsPerDay: 300, joulesPerDay: 1.8e6, idleWorkspaces: 1 },
]);

function renderWith(green: PromSeries[], options: Partial<SiteAnalysisOptions> = {}, workspaces = fleet(3)) {
  const props = panelProps(panelData(tableFrames([...fleetSeries(workspaces), ...green])), options);
  return render(<SiteAnalysisPanel {...props} />);
}

const ALL = [...forecastSeries('national', forecastValues()), ...windowSeries('national', WINDOWS), ...SAVINGS];

beforeEach(() => {
  jest.useFakeTimers();
  jest.setSystemTime(FIXED_NOW_MS);
});
afterEach(() => jest.useRealTimers());

describe('forecast strip and greener choices', () => {
  it('draws one bar per half-hour and marks the greenest windows in green', () => {
    renderWith(ALL);
    const strip = screen.getByTestId('adacarbon-forecast');
    const slots = within(strip).getAllByTestId('adacarbon-forecast-slot');
    expect(slots).toHaveLength(96);
    const green = slots.filter((s) => s.dataset.green === 'true').map((s) => Number(s.dataset.offset) / 30);
    // 1 h from slot 29 (2 slots) and 3 h from slot 4 (6 slots)
    expect(green).toEqual([4, 5, 6, 7, 8, 9, 29, 30]);
    const windows = within(strip).getAllByTestId('adacarbon-forecast-window');
    expect(windows.map((w) => [w.dataset.duration, w.textContent])).toEqual([
      ['1h', '1 h from 02:30'],
      ['3h', '3 h from 14:00'],
    ]);
    // the tallest bar is the forecast's maximum
    const values = forecastValues();
    const tallest = values.indexOf(Math.max(...values));
    expect(slots[tallest]!.style.height).toBe('100%');
  });

  it('has an accessible description of the forecast', () => {
    renderWith(ALL);
    const values = forecastValues();
    const chart = screen.getByRole('img', { name: /Grid carbon intensity forecast/ });
    const label = chart.getAttribute('aria-label')!;
    expect(label).toContain(
      `(national) for the next 48 h: ${Math.min(...values)} gCO₂/kWh to ${Math.max(...values)} gCO₂/kWh`
    );
    expect(label).toContain('greenest 3 h window from 14:00');
    expect(screen.getByRole('region', { name: 'Grid forecast' })).toBe(screen.getByTestId('adacarbon-forecast'));
  });

  it('gives the advice per job length and the idle-shutdown savings beside the totals', () => {
    renderWith(ALL);
    const advice = screen.getByRole('region', { name: 'Greener choices' });
    expect(
      within(advice)
        .getAllByTestId('adacarbon-advice-line')
        .map((l) => [l.dataset.kind, l.textContent])
    ).toEqual([
      ['wait', 'Start a 1 h job tomorrow at 02:30 to cut its carbon by 50%'],
      ['wait', 'Start a 3 h job at 14:00 to cut its carbon by 35%'],
      ['none', 'No advice for an 8 h job: the forecast is too short or has gaps'],
    ]);
    expect(screen.getByTestId('adacarbon-idle-savings').textContent).toBe(
      'Shutting down 4 idle workspaces would save 1.50 kgCO₂e and 2.50 kWh per day.'
    );
  });

  it('follows the unit options for the savings', () => {
    renderWith(SAVINGS, { carbonUnit: 'g', energyUnit: 'Wh' });
    expect(screen.getByTestId('adacarbon-idle-savings').textContent).toBe(
      'Shutting down 4 idle workspaces would save 1500.00 gCO₂e and 2500.00 Wh per day.'
    );
    // savings alone: no strip, no advice list
    expect(screen.queryByTestId('adacarbon-forecast')).toBeNull();
    expect(screen.queryAllByTestId('adacarbon-advice-line')).toEqual([]);
  });

  it('an outage: says plainly there is no advice', () => {
    renderWith(
      windowSeries('national', [
        { duration: '1h', available: false },
        { duration: '3h', available: false },
      ])
    );
    expect(screen.getByTestId('adacarbon-forecast-empty')).toBeInTheDocument();
    expect(screen.getAllByTestId('adacarbon-advice-line').map((l) => l.textContent)).toEqual([
      'No advice: no forecast',
    ]);
  });

  it('shows nothing of it, and no error, when the queries are absent', () => {
    renderWith([]);
    expect(screen.getAllByTestId('adacarbon-card')).toHaveLength(3);
    expect(screen.queryByTestId('adacarbon-green')).toBeNull();
    expect(screen.queryByTestId('adacarbon-data-issues')).toBeNull();
  });

  it('options hide the strip and the advice', () => {
    const { unmount } = renderWith(ALL, { showForecast: false });
    expect(screen.queryByTestId('adacarbon-forecast')).toBeNull();
    expect(screen.getByTestId('adacarbon-advice')).toBeInTheDocument();
    unmount();
    renderWith(ALL, { showForecast: false, showAdvice: false });
    expect(screen.queryByTestId('adacarbon-green')).toBeNull();
  });

  it('with both areas, the area option picks one, else the first', () => {
    const both = [...forecastSeries('regional', [90, 80, 70]), ...forecastSeries('national', [200, 210])];
    const { unmount } = renderWith(both);
    expect(screen.getByTestId('adacarbon-forecast-area').textContent).toBe('regional');
    expect(screen.getAllByTestId('adacarbon-forecast-slot')).toHaveLength(3);
    unmount();
    renderWith(both, { forecastArea: 'national' });
    expect(screen.getByTestId('adacarbon-forecast-area').textContent).toBe('national');
    expect(screen.getAllByTestId('adacarbon-forecast-slot')).toHaveLength(2);
  });

  it('a missing half-hour is drawn as a gap, not as zero', () => {
    const values: Array<number | null> = forecastValues(12);
    values[5] = null;
    renderWith(forecastSeries('national', values));
    const slot = screen.getAllByTestId('adacarbon-forecast-slot')[5]!;
    expect(slot.dataset.missing).toBe('true');
    expect(slot.title).toBe('14:30–15:00: no forecast');
    expect(screen.getByRole('img').getAttribute('aria-label')).toContain('1 half-hours without a forecast');
  });
});

describe('data issues notice', () => {
  it('counts duplicate, NaN and unrecognised series quietly, with details in a tooltip', async () => {
    const ws = fleet(2);
    const series = fleetSeries(ws);
    const duplicate = series.find((s) => s.name === 'ada_carbon_workspace_power_watts')!;
    const nan = { ...workspaceFixture(5), idleRatio: NaN };
    renderWith([duplicate, ...fleetSeries([nan])], {}, ws);
    const notice = screen.getByTestId('adacarbon-data-issues');
    expect(notice.textContent).toBe('2 data issues');
    expect(notice).toHaveAccessibleName(
      '2 data issues: 1 duplicate series (e.g. two exporter replicas): merged; 1 value NaN or missing: shown as —'
    );
    fireEvent.mouseEnter(notice);
    await act(async () => {
      jest.advanceTimersByTime(500);
    });
    expect(await screen.findByText('1 value NaN or missing: shown as —')).toBeInTheDocument();
  });

  it('is hidden by its option, and shown without the toolbar too', () => {
    const nan = { ...workspaceFixture(1), idleRatio: NaN };
    const { unmount } = renderWith([], { showDataIssues: false }, [nan]);
    expect(screen.queryByTestId('adacarbon-data-issues')).toBeNull();
    unmount();
    renderWith([], { showToolbar: false }, [nan]);
    expect(screen.getByTestId('adacarbon-data-issues').textContent).toBe('1 data issue');
  });
});
