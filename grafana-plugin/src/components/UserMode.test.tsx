import { act, render, screen, within } from '@testing-library/react';
import React from 'react';

import { FIXED_NOW_MS } from '../test-utils/factory';
import { panelData, panelProps } from '../test-utils/panelProps';
import { workspaceRowsFrame } from '../test-utils/rest';
import { SiteAnalysisPanel } from './SiteAnalysisPanel';

const numberIn = (text: string | null) => Number((text ?? '').replace(/[^0-9.]/g, ''));

beforeEach(() => {
  jest.useFakeTimers();
  jest.setSystemTime(FIXED_NOW_MS);
});
afterEach(() => jest.useRealTimers());

describe('SiteAnalysisPanel in "my workspaces" mode', () => {
  it('shows a card per REST workspace row, with its idle energy ticking by its idle power', () => {
    render(<SiteAnalysisPanel {...panelProps(panelData([workspaceRowsFrame()]), { mode: 'user' })} />);
    const cards = screen.getAllByTestId('adacarbon-card');
    expect(cards).toHaveLength(2);
    const card = screen.getByRole('listitem', { name: 'Artemis (Matlab) on host-1, user alice' });
    expect(within(card).getByTestId('adacarbon-card-host')).toHaveTextContent('host-1');
    expect(within(card).getByTestId('adacarbon-card-busyEnergy')).toHaveTextContent('0.50 kWh');
    expect(within(card).getByTestId('adacarbon-card-carbon')).toHaveTextContent('0.20 kgCO₂e');
    const ticker = within(card).getByTestId('adacarbon-card-ticker');
    const before = numberIn(ticker.textContent);
    expect(before).toBeCloseTo(1.5, 2);
    act(() => jest.advanceTimersByTime(10_000));
    // 18 W idle for 10 s
    expect(numberIn(ticker.textContent) - before).toBeCloseTo((18 * 10) / 3.6e6, 4);
  });

  it('says the user has none when the REST answer has no rows', () => {
    const empty = workspaceRowsFrame();
    const none = { ...empty, length: 0, fields: empty.fields.map((f) => ({ ...f, values: [] })) };
    render(<SiteAnalysisPanel {...panelProps(panelData([none]), { mode: 'user' })} />);
    expect(screen.getByText(/You have no active workspaces/)).toBeInTheDocument();
  });

  it('reads no workspace from REST rows in site mode (those come from Prometheus queries)', () => {
    render(<SiteAnalysisPanel {...panelProps(panelData([workspaceRowsFrame()]))} />);
    expect(screen.queryAllByTestId('adacarbon-card')).toHaveLength(0);
  });
});
