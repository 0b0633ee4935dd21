import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';

import { IdleLevel } from '../data/sortFilter';

/** Fixed geometry, so the list can be virtualised without measuring the DOM. */
export const GEOMETRY = {
  gapPx: 8,
  minCardPx: 250,
  cardLinePx: 18,
  cardRowGapPx: 2,
  cardHeaderPx: 28,
  cardChromePx: 22, // 8 px padding top and bottom, 1 px border top and bottom, 4 px air under the last line
  compactRowPx: 26,
};

export function cardHeightPx(fieldCount: number): number {
  const lines = Math.max(0, fieldCount);
  return (
    GEOMETRY.cardChromePx +
    GEOMETRY.cardHeaderPx +
    lines * GEOMETRY.cardLinePx +
    Math.max(0, lines - 1) * GEOMETRY.cardRowGapPx
  );
}

export const COMPACT_COLUMNS =
  'minmax(120px, 1.4fr) minmax(100px, 1fr) minmax(80px, 1fr) repeat(6, minmax(72px, 0.9fr))';

export const levelColor = (theme: GrafanaTheme2, level: IdleLevel): string => {
  switch (level) {
    case 'critical':
      return theme.colors.error.text;
    case 'warning':
      return theme.colors.warning.text;
    case 'ok':
      return theme.colors.success.text;
    case 'unknown':
      return theme.colors.text.disabled;
  }
};

export const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    overflow: 'hidden',
    fontVariantNumeric: 'tabular-nums',
  }),
  totals: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(128px, 1fr))',
    gap: theme.spacing(1),
  }),
  stat: css({
    background: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1, 1.5),
    minWidth: 0,
  }),
  statLabel: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  statValue: css({
    fontSize: theme.typography.h4.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  tickerValue: css({
    color: theme.colors.warning.text,
  }),
  toolbar: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1.5),
  }),
  filter: css({
    flex: '1 1 200px',
    minWidth: 0,
    maxWidth: 360,
  }),
  sort: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    flexShrink: 0,
  }),
  sortLabel: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  count: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    marginLeft: 'auto',
  }),
  list: css({
    flex: '1 1 auto',
    overflowY: 'auto',
    minHeight: 0,
    position: 'relative',
  }),
  cards: css({
    display: 'grid',
    gap: GEOMETRY.gapPx,
    margin: 0,
    padding: 0,
    listStyle: 'none',
    position: 'absolute',
    left: 0,
    right: 0,
  }),
  card: css({
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderLeftWidth: 4,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1, 1.5),
    minWidth: 0,
    overflow: 'hidden',
    boxSizing: 'border-box',
    // Text changes inside a card (the ticker) never re-layout its neighbours.
    contain: 'strict',
  }),
  cardHeader: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
    height: GEOMETRY.cardHeaderPx,
    paddingBottom: 4,
    boxSizing: 'border-box',
  }),
  cardTitle: css({
    fontSize: theme.typography.h5.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    lineHeight: `${GEOMETRY.cardHeaderPx - 4}px`,
    margin: 0,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  badge: css({
    fontSize: theme.typography.bodySmall.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    whiteSpace: 'nowrap',
  }),
  fields: css({
    display: 'grid',
    gridTemplateColumns: 'auto 1fr',
    columnGap: theme.spacing(1.5),
    rowGap: GEOMETRY.cardRowGapPx,
    margin: 0,
    fontSize: theme.typography.bodySmall.fontSize,
    lineHeight: `${GEOMETRY.cardLinePx}px`,
    '& dt': { color: theme.colors.text.secondary },
    '& dd': { margin: 0, textAlign: 'right', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  }),
  tableWrap: css({
    display: 'flex',
    flexDirection: 'column',
    flex: '1 1 auto',
    minHeight: 0,
  }),
  compactHeader: css({
    display: 'grid',
    gridTemplateColumns: COMPACT_COLUMNS,
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    borderBottom: `1px solid ${theme.colors.border.medium}`,
    padding: theme.spacing(0.5, 0),
    '& > div': { padding: theme.spacing(0, 1), whiteSpace: 'nowrap' },
    '& > .num': { textAlign: 'right' },
  }),
  compactRows: css({
    position: 'absolute',
    left: 0,
    right: 0,
  }),
  compactRow: css({
    display: 'grid',
    gridTemplateColumns: COMPACT_COLUMNS,
    alignItems: 'center',
    height: GEOMETRY.compactRowPx,
    boxSizing: 'border-box',
    fontSize: theme.typography.bodySmall.fontSize,
    borderBottom: `1px solid ${theme.colors.border.weak}`,
    contain: 'strict',
    '& > div': { padding: theme.spacing(0, 1), whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' },
    '& > .num': { textAlign: 'right' },
    '&:hover': { background: theme.colors.action.hover },
  }),
  empty: css({
    color: theme.colors.text.secondary,
    padding: theme.spacing(2),
    textAlign: 'center',
  }),
});

export type PanelStyles = ReturnType<typeof getStyles>;
