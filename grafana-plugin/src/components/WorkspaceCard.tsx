import React, { memo } from 'react';

import { formatCarbon, formatDuration, formatEnergy, formatPower, formatRatio, formatStartedAt } from '../data/format';
import { IdleLevel } from '../data/sortFilter';
import { totalGrams, uptimeSeconds, WorkspaceView } from '../data/viewModel';
import { CardField, SiteAnalysisOptions } from '../types';
import { IdleTicker } from './useIdleTicker';
import { PanelStyles } from './styles';

export interface WorkspaceItemProps {
  workspace: WorkspaceView;
  level: IdleLevel;
  levelColor: string;
  options: SiteAnalysisOptions;
  styles: PanelStyles;
  ticker: IdleTicker;
  nowMs: number;
  timeZone?: string;
  heightPx?: number;
  /** 1-based position in the whole (filtered) list, for assistive technology while only a slice is mounted. */
  position: number;
  setSize: number;
}

const LEVEL_TEXT: Record<IdleLevel, string> = {
  ok: 'active',
  warning: 'mostly idle',
  critical: 'idle',
  unknown: 'no data',
};

export const WorkspaceCard = memo(function WorkspaceCard(props: WorkspaceItemProps) {
  const { workspace: w, level, levelColor, options, styles, ticker, nowMs, timeZone } = props;
  const show = new Set<CardField>(options.cardFields);
  const row = (field: CardField, label: string, value: React.ReactNode) =>
    show.has(field) ? (
      <React.Fragment key={field}>
        <dt>{label}</dt>
        <dd data-testid={`adacarbon-card-${field}`}>{value}</dd>
      </React.Fragment>
    ) : null;

  return (
    <li
      className={styles.card}
      style={{ borderLeftColor: levelColor, height: props.heightPx }}
      data-testid="adacarbon-card"
      data-level={level}
      aria-label={`${w.machine} on ${w.host}, user ${w.user}`}
      aria-posinset={props.position}
      aria-setsize={props.setSize}
    >
      <div className={styles.cardHeader}>
        <h3 className={styles.cardTitle} title={w.machine}>
          {w.machine}
        </h3>
        <span className={styles.badge} style={{ color: levelColor }} data-testid="adacarbon-card-level">
          {LEVEL_TEXT[level]}
        </span>
      </div>
      <dl className={styles.fields}>
        {row('host', 'Host', w.host)}
        {row('user', 'User', w.user)}
        {row('startedAt', 'Started', formatStartedAt(w.startedTimestampSeconds, timeZone))}
        {row('uptime', 'Uptime', formatDuration(uptimeSeconds(w, nowMs)))}
        {row('cpus', 'vCPUs', w.cpus === null ? '—' : String(w.cpus))}
        {row('power', 'Power now', formatPower(w.powerWatts))}
        {row('idleRatio', 'Idle ratio', <span style={{ color: levelColor }}>{formatRatio(w.idleRatio)}</span>)}
        {row('busyEnergy', 'Busy energy', formatEnergy(w.busyJoules, options.energyUnit))}
        {row(
          'idleEnergy',
          'Idle energy',
          <span ref={ticker.refFor(w.key)} data-testid="adacarbon-card-ticker" aria-live="off" />
        )}
        {row('carbon', 'Carbon', formatCarbon(totalGrams(w), options.carbonUnit))}
      </dl>
    </li>
  );
});

/** One grid row per workspace for sites with hundreds of them. */
export const WorkspaceRow = memo(function WorkspaceRow(props: WorkspaceItemProps) {
  const { workspace: w, level, levelColor, options, styles, ticker, nowMs } = props;
  return (
    <div
      className={styles.compactRow}
      role="row"
      aria-rowindex={props.position + 1}
      data-testid="adacarbon-row"
      data-level={level}
    >
      <div role="cell" style={{ borderLeft: `3px solid ${levelColor}` }} title={w.machine}>
        {w.machine}
      </div>
      <div role="cell">{w.host}</div>
      <div role="cell">{w.user}</div>
      <div role="cell" className="num">
        {formatDuration(uptimeSeconds(w, nowMs))}
      </div>
      <div role="cell" className="num">
        {formatPower(w.powerWatts)}
      </div>
      <div role="cell" className="num" style={{ color: levelColor }}>
        {formatRatio(w.idleRatio)}
      </div>
      <div role="cell" className="num">
        {formatEnergy(w.busyJoules, options.energyUnit)}
      </div>
      <div role="cell" className="num">
        <span ref={ticker.refFor(w.key)} data-testid="adacarbon-card-ticker" />
      </div>
      <div role="cell" className="num">
        {formatCarbon(totalGrams(w), options.carbonUnit)}
      </div>
    </div>
  );
});

export const COMPACT_HEADERS = [
  'Machine',
  'Host',
  'User',
  'Uptime',
  'Power',
  'Idle ratio',
  'Busy energy',
  'Idle energy',
  'Carbon',
];
export const NUMERIC_HEADERS = new Set(['Uptime', 'Power', 'Idle ratio', 'Busy energy', 'Idle energy', 'Carbon']);
