import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { LoadingState } from '@grafana/data';
import React from 'react';

import {
  fleet,
  fleetSeries,
  FIXED_NOW_MS,
  tableFrames,
  WorkspaceFixture,
  workspaceFixture,
} from '../test-utils/factory';
import { panelData, panelProps } from '../test-utils/panelProps';
import { SiteAnalysisOptions } from '../types';
import { SiteAnalysisPanel } from './SiteAnalysisPanel';

const KWH = 3.6e6;

function renderPanel(workspaces: WorkspaceFixture[], options: Partial<SiteAnalysisOptions> = {}) {
  const props = panelProps(panelData(tableFrames(fleetSeries(workspaces))), options);
  const utils = render(<SiteAnalysisPanel {...props} />);
  const rerenderWith = (next: WorkspaceFixture[]) =>
    utils.rerender(<SiteAnalysisPanel {...panelProps(panelData(tableFrames(fleetSeries(next))), options)} />);
  return { ...utils, rerenderWith };
}

const cards = () => screen.queryAllByTestId('adacarbon-card');
const numberIn = (text: string | null) => Number((text ?? '').replace(/[^0-9.]/g, ''));

beforeEach(() => {
  jest.useFakeTimers();
  jest.setSystemTime(FIXED_NOW_MS);
});
afterEach(() => jest.useRealTimers());

describe('SiteAnalysisPanel', () => {
  it('shows one card per workspace with its fields', () => {
    const ws = fleet(4);
    renderPanel(ws);
    expect(cards()).toHaveLength(4);
    const w = ws[2]!;
    const card = screen.getByRole('listitem', { name: `${w.machine} on ${w.host}, user ${w.user}` });
    expect(within(card).getByRole('heading', { name: w.machine })).toBeInTheDocument();
    expect(within(card).getByTestId('adacarbon-card-host')).toHaveTextContent(w.host);
    expect(within(card).getByTestId('adacarbon-card-user')).toHaveTextContent(w.user);
    expect(within(card).getByTestId('adacarbon-card-cpus')).toHaveTextContent(String(w.cpus));
    expect(within(card).getByTestId('adacarbon-card-busyEnergy')).toHaveTextContent(
      `${(w.busyJoules / KWH).toFixed(2)} kWh`
    );
    expect(within(card).getByTestId('adacarbon-card-carbon')).toHaveTextContent(
      `${((w.busyGrams + w.idleGrams) / 1000).toFixed(2)} kgCO₂e`
    );
    expect(within(card).getByTestId('adacarbon-card-idleRatio')).toHaveTextContent(`${Math.round(w.idleRatio * 100)}%`);
    expect(within(card).getByTestId('adacarbon-card-startedAt')).toHaveTextContent(/^2026-11-\d\d \d\d:\d\d$/);
  });

  it('shows site totals', () => {
    const ws = fleet(6);
    renderPanel(ws);
    const sum = (f: (w: WorkspaceFixture) => number) => ws.reduce((a, w) => a + f(w), 0);
    expect(screen.getByTestId('adacarbon-total-workspaces')).toHaveTextContent('6');
    expect(screen.getByTestId('adacarbon-total-busy-energy')).toHaveTextContent(
      `${(sum((w) => w.busyJoules) / KWH).toFixed(2)} kWh`
    );
    expect(screen.getByTestId('adacarbon-total-carbon')).toHaveTextContent(
      `${(sum((w) => w.busyGrams + w.idleGrams) / 1000).toFixed(2)} kgCO₂e`
    );
    const share = sum((w) => w.idleJoules) / sum((w) => w.idleJoules + w.busyJoules);
    expect(screen.getByTestId('adacarbon-total-idle-share')).toHaveTextContent(`${Math.round(share * 100)}%`);
    expect(numberIn(screen.getByTestId('adacarbon-total-ticker').textContent)).toBeCloseTo(
      sum((w) => w.idleJoules) / KWH,
      4
    );
  });

  it.each([
    ['idleWaste', (w: WorkspaceFixture) => -w.idleJoules],
    ['power', (w: WorkspaceFixture) => -w.powerWatts],
    ['uptime', (w: WorkspaceFixture) => w.startedTimestampSeconds],
  ] as const)('sorts by %s, from the option and from the toolbar', (sortBy, rank) => {
    const ws = fleet(7);
    const expected = [...ws].sort((a, b) => rank(a) - rank(b)).map((w) => w.host);
    renderPanel(ws, { sortBy });
    const hosts = () => screen.getAllByTestId('adacarbon-card-host').map((e) => e.textContent);
    expect(hosts()).toEqual(expected);
    fireEvent.click(screen.getByRole('radio', { name: 'Name' }));
    const byName = [...ws].sort((a, b) => a.machine.localeCompare(b.machine) || a.host.localeCompare(b.host));
    expect(hosts()).toEqual(byName.map((w) => w.host));
  });

  it('filters by user or machine and says how many are shown', () => {
    const ws = fleet(10);
    renderPanel(ws);
    const input = screen.getByLabelText('Filter workspaces by user or machine');
    fireEvent.change(input, { target: { value: 'MATLAB' } });
    const matlab = ws.filter((w) => w.machine.includes('Matlab'));
    expect(cards()).toHaveLength(matlab.length);
    expect(screen.getByTestId('adacarbon-count')).toHaveTextContent(`${matlab.length} of 10 workspaces`);
    fireEvent.change(input, { target: { value: 'jsmith' } });
    expect(screen.getAllByTestId('adacarbon-card-user').map((e) => e.textContent)).toEqual(
      ws.filter((w) => w.user === 'jsmith').map((w) => w.user)
    );
    fireEvent.change(input, { target: { value: 'zzz' } });
    expect(cards()).toHaveLength(0);
    expect(screen.getByText(/No workspace matches/)).toBeInTheDocument();
    // totals stay those of the whole site
    expect(screen.getByTestId('adacarbon-total-workspaces')).toHaveTextContent('10');
  });

  it('flags idle ratios against the warning and critical thresholds', () => {
    const ws = [0.2, 0.6, 0.95].map((idleRatio, i) => workspaceFixture(i, 'isis', { idleRatio }));
    renderPanel(ws, { idleWarningRatio: 0.5, idleCriticalRatio: 0.9, sortBy: 'name' });
    const levels = Object.fromEntries(
      cards().map((c) => [within(c).getByTestId('adacarbon-card-host').textContent, c.getAttribute('data-level')])
    );
    expect(levels).toEqual({ [ws[0]!.host]: 'ok', [ws[1]!.host]: 'warning', [ws[2]!.host]: 'critical' });
  });

  it('hides card fields that are switched off', () => {
    renderPanel(fleet(2), { cardFields: ['power', 'idleEnergy'] });
    expect(screen.queryAllByTestId('adacarbon-card-host')).toHaveLength(0);
    expect(screen.queryAllByTestId('adacarbon-card-carbon')).toHaveLength(0);
    expect(screen.getAllByTestId('adacarbon-card-power')).toHaveLength(2);
  });

  it('switches to compact rows above the configured count', () => {
    renderPanel(fleet(12), { layout: 'auto', compactAboveCount: 10 });
    expect(cards()).toHaveLength(0);
    expect(screen.getAllByTestId('adacarbon-row')).toHaveLength(12);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toContain('Idle energy');
    expect(screen.getByRole('table', { name: 'Workspaces' })).toBeInTheDocument();
  });

  it('mounts only the cards in view for a large site and follows scrolling', () => {
    const ws = fleet(1000);
    renderPanel(ws, { layout: 'cards', sortBy: 'name' });
    const mounted = cards().length;
    expect(mounted).toBeGreaterThan(0);
    expect(mounted).toBeLessThan(100);
    expect(screen.getByTestId('adacarbon-count')).toHaveTextContent('1000 workspaces');
    expect(cards()[0]).toHaveAttribute('aria-setsize', '1000');
    const firstHost = screen.getAllByTestId('adacarbon-card-host')[0]!.textContent;
    const scroller = screen.getByTestId('adacarbon-scroll');
    scroller.scrollTop = 50_000;
    fireEvent.scroll(scroller);
    expect(screen.queryAllByTestId('adacarbon-card-host').map((e) => e.textContent)).not.toContain(firstHost);
    expect(Number(cards()[0]!.getAttribute('aria-posinset'))).toBeGreaterThan(mounted);
  });

  describe('idle ticker', () => {
    it('advances every second by idle power in the cards and in the totals', () => {
      const w = workspaceFixture(0, 'isis', { idlePowerWatts: 36, idleJoules: 3.6e6 });
      renderPanel([w], { energyUnit: 'Wh' });
      const card = screen.getByTestId('adacarbon-card-ticker');
      const total = screen.getByTestId('adacarbon-total-ticker');
      expect(numberIn(card.textContent)).toBeCloseTo(1000, 6);
      act(() => jest.advanceTimersByTime(1000));
      expect(numberIn(card.textContent)).toBeCloseTo(1000.01, 6); // 36 J = 0.01 Wh
      act(() => jest.advanceTimersByTime(9000));
      expect(numberIn(card.textContent)).toBeCloseTo(1000.1, 6);
      expect(numberIn(total.textContent)).toBeCloseTo(1000.1, 6);
    });

    it('re-syncs on refresh without jumping backwards', () => {
      const w = workspaceFixture(0, 'isis', { idlePowerWatts: 36, idleJoules: 3.6e6 });
      const { rerenderWith } = renderPanel([w], { energyUnit: 'Wh' });
      const text = () => numberIn(screen.getByTestId('adacarbon-card-ticker').textContent);
      act(() => jest.advanceTimersByTime(10_000));
      expect(text()).toBeCloseTo(1000.1, 6);
      // the exporter says less than was extrapolated: hold, then follow the real value
      act(() => rerenderWith([{ ...w, idleJoules: 3.6e6 + 180 }])); // 1000.05 Wh
      expect(text()).toBeCloseTo(1000.1, 6);
      act(() => jest.advanceTimersByTime(3000));
      expect(text()).toBeCloseTo(1000.1, 6);
      act(() => jest.advanceTimersByTime(7000));
      expect(text()).toBeCloseTo(1000.15, 6);
      // the exporter says more: jump forward at once
      act(() => rerenderWith([{ ...w, idleJoules: 3.6e6 + 7200 }]));
      expect(text()).toBeCloseTo(1002, 6);
    });

    it('stays still when switched off', () => {
      const w = workspaceFixture(0, 'isis', { idlePowerWatts: 36, idleJoules: 3.6e6 });
      renderPanel([w], { energyUnit: 'Wh', showTicker: false });
      const before = screen.getByTestId('adacarbon-card-ticker').textContent;
      act(() => jest.advanceTimersByTime(5000));
      expect(screen.getByTestId('adacarbon-card-ticker').textContent).toBe(before);
    });

    it('a vanished workspace leaves the cards and the totals ticker', () => {
      const ws = fleet(3);
      const { rerenderWith } = renderPanel(ws);
      act(() => rerenderWith(ws.slice(1)));
      expect(cards()).toHaveLength(2);
      const expectedKwh = ws.slice(1).reduce((a, w) => a + w.idleJoules, 0) / KWH;
      expect(numberIn(screen.getByTestId('adacarbon-total-ticker').textContent)).toBeCloseTo(expectedKwh, 4);
    });
  });

  describe('empty, loading and error states', () => {
    it('says so when the site has no active workspaces', () => {
      render(<SiteAnalysisPanel {...panelProps(panelData(tableFrames([])))} />);
      expect(screen.getByText(/No active workspaces for this site/)).toBeInTheDocument();
      expect(screen.queryByTestId('adacarbon-panel')).not.toBeInTheDocument();
    });

    it('shows a loading state before the first data', () => {
      render(<SiteAnalysisPanel {...panelProps(panelData([], { state: LoadingState.Loading }))} />);
      expect(screen.getByTestId('adacarbon-loading')).toBeInTheDocument();
    });

    it('hands a query error to the error view instead of rendering cards', () => {
      const data = panelData([], { state: LoadingState.Error, errors: [{ message: 'bad_data: parse error' }] });
      render(<SiteAnalysisPanel {...panelProps(data)} />);
      expect(screen.queryByTestId('adacarbon-panel')).not.toBeInTheDocument();
      expect(screen.queryByText(/No active workspaces/)).not.toBeInTheDocument();
      expect(screen.getByText(/Unable to render data/)).toBeInTheDocument();
    });
  });
});
