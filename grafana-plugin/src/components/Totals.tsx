import { cx } from '@emotion/css';
import React from 'react';

import { formatCarbon, formatEnergy, formatPower, formatRatio } from '../data/format';
import { SiteTotals } from '../data/viewModel';
import { SiteAnalysisOptions } from '../types';
import { PanelStyles } from './styles';
import { IdleTicker, TOTAL_KEY } from './useIdleTicker';

interface Props {
  totals: SiteTotals;
  options: SiteAnalysisOptions;
  styles: PanelStyles;
  ticker: IdleTicker;
}

function Stat(props: {
  id: string;
  label: string;
  styles: PanelStyles;
  children: React.ReactNode;
  className?: string;
}) {
  const labelId = `adacarbon-total-${props.id}-label`;
  return (
    <div className={props.styles.stat} role="group" aria-labelledby={labelId}>
      <div id={labelId} className={props.styles.statLabel}>
        {props.label}
      </div>
      <div className={cx(props.styles.statValue, props.className)} data-testid={`adacarbon-total-${props.id}`}>
        {props.children}
      </div>
    </div>
  );
}

export function Totals({ totals, options, styles, ticker }: Props) {
  return (
    <section className={styles.totals} aria-label="Site totals" data-testid="adacarbon-totals">
      <Stat id="workspaces" label="Active workspaces" styles={styles}>
        {String(totals.workspaceCount)}
      </Stat>
      <Stat id="power" label="Power now" styles={styles}>
        {formatPower(totals.powerWatts)}
      </Stat>
      <Stat id="busy-energy" label="Busy energy" styles={styles}>
        {formatEnergy(totals.busyJoules, options.energyUnit)}
      </Stat>
      <Stat
        id="idle-energy"
        label="Idle energy"
        styles={styles}
        className={options.showTicker ? styles.tickerValue : undefined}
      >
        <span ref={ticker.refFor(TOTAL_KEY)} data-testid="adacarbon-total-ticker" aria-live="off" />
      </Stat>
      <Stat id="carbon" label="Carbon" styles={styles}>
        {formatCarbon(totals.busyGrams + totals.idleGrams, options.carbonUnit)}
      </Stat>
      <Stat id="idle-share" label="Idle share of energy" styles={styles}>
        {formatRatio(totals.idleShareRatio)}
      </Stat>
    </section>
  );
}
