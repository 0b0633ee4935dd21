/**
 * Which slice of a long, fixed-row-height list to mount. Only what is on screen (plus a few rows either side) exists
 * in the DOM, so first render and each ticker update cost the same for 1,000 workspaces as for 30.
 */
export interface WindowInput {
  itemCount: number;
  columns: number;
  rowHeightPx: number;
  viewportPx: number;
  scrollTopPx: number;
  overscanRows: number;
}

export interface WindowSlice {
  /** First item index to mount. */
  start: number;
  /** One past the last item index to mount. */
  end: number;
  /** Distance from the top of the scroll content to the first mounted row. */
  offsetPx: number;
  /** Height of the whole scroll content, so the scrollbar reflects every item. */
  totalHeightPx: number;
}

export function visibleWindow(input: WindowInput): WindowSlice {
  const columns = Math.max(1, Math.floor(input.columns));
  const rowHeight = Math.max(1, input.rowHeightPx);
  const rows = Math.ceil(input.itemCount / columns);
  const firstVisibleRow = Math.floor(Math.max(0, input.scrollTopPx) / rowHeight);
  const visibleRows = Math.ceil(Math.max(0, input.viewportPx) / rowHeight) + 1;
  const firstRow = Math.min(rows, Math.max(0, firstVisibleRow - input.overscanRows));
  const lastRow = Math.min(rows, firstVisibleRow + visibleRows + input.overscanRows);
  return {
    start: firstRow * columns,
    end: Math.min(input.itemCount, lastRow * columns),
    offsetPx: firstRow * rowHeight,
    totalHeightPx: rows * rowHeight,
  };
}

/** Cards per row for a width: as many minimum-width cards with gaps as fit, at least one. */
export function cardColumns(widthPx: number, minCardPx: number, gapPx: number): number {
  return Math.max(1, Math.floor((widthPx + gapPx) / (minCardPx + gapPx)));
}
