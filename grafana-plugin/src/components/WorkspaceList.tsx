/** The workspace list, virtualised: only the rows in view (plus overscan) are mounted. */
import { useTheme2 } from '@grafana/ui';
import React, { useState } from 'react';

import { idleLevel } from '../data/sortFilter';
import { WorkspaceView } from '../data/viewModel';
import { cardColumns, visibleWindow } from '../data/virtualWindow';
import { SiteAnalysisOptions } from '../types';
import { cardHeightPx, GEOMETRY, levelColor, PanelStyles } from './styles';
import { IdleTicker } from './useIdleTicker';
import { COMPACT_HEADERS, NUMERIC_HEADERS, WorkspaceCard, WorkspaceRow } from './WorkspaceCard';

const OVERSCAN_ROWS = 1;

interface Props {
  workspaces: WorkspaceView[];
  compact: boolean;
  widthPx: number;
  /** Upper bound of the visible height; the panel's height is enough, no DOM measuring needed. */
  viewportPx: number;
  options: SiteAnalysisOptions;
  styles: PanelStyles;
  ticker: IdleTicker;
  nowMs: number;
  timeZone?: string;
}

export function WorkspaceList(props: Props) {
  const { workspaces, compact, widthPx, viewportPx, options, styles, ticker, nowMs, timeZone } = props;
  const theme = useTheme2();
  const [scrollTopPx, setScrollTopPx] = useState(0);

  const cardPx = cardHeightPx(options.cardFields.length);
  const columns = compact ? 1 : cardColumns(widthPx, GEOMETRY.minCardPx, GEOMETRY.gapPx);
  const rowHeightPx = compact ? GEOMETRY.compactRowPx : cardPx + GEOMETRY.gapPx;
  const slice = visibleWindow({
    itemCount: workspaces.length,
    columns,
    rowHeightPx,
    viewportPx,
    scrollTopPx,
    overscanRows: OVERSCAN_ROWS,
  });

  const items = workspaces.slice(slice.start, slice.end).map((w, i) => {
    const level = idleLevel(w.idleRatio, options.idleWarningRatio, options.idleCriticalRatio);
    const itemProps = {
      workspace: w,
      level,
      levelColor: levelColor(theme, level),
      options,
      styles,
      ticker,
      nowMs,
      timeZone,
      heightPx: cardPx,
      position: slice.start + i + 1,
      setSize: workspaces.length,
    };
    return compact ? <WorkspaceRow key={w.key} {...itemProps} /> : <WorkspaceCard key={w.key} {...itemProps} />;
  });

  const onScroll = (e: React.UIEvent<HTMLDivElement>) => setScrollTopPx(e.currentTarget.scrollTop);

  if (compact) {
    return (
      <div
        role="table"
        aria-label="Workspaces"
        aria-rowcount={workspaces.length + 1}
        data-testid="adacarbon-table"
        className={styles.tableWrap}
      >
        <div className={styles.compactHeader} role="row" aria-rowindex={1}>
          {COMPACT_HEADERS.map((h) => (
            <div key={h} role="columnheader" className={NUMERIC_HEADERS.has(h) ? 'num' : undefined}>
              {h}
            </div>
          ))}
        </div>
        <div className={styles.list} onScroll={onScroll} data-testid="adacarbon-scroll">
          <div style={{ height: slice.totalHeightPx }} role="rowgroup">
            <div className={styles.compactRows} style={{ top: slice.offsetPx }}>
              {items}
            </div>
          </div>
        </div>
      </div>
    );
  }
  return (
    <div className={styles.list} onScroll={onScroll} data-testid="adacarbon-scroll">
      <div style={{ height: slice.totalHeightPx }}>
        <ul
          className={styles.cards}
          style={{
            top: slice.offsetPx,
            gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
            gridAutoRows: cardPx,
          }}
          aria-label="Workspaces"
        >
          {items}
        </ul>
      </div>
    </div>
  );
}
