import { cardColumns, visibleWindow } from './virtualWindow';

describe('visibleWindow', () => {
  const base = { itemCount: 1000, columns: 4, rowHeightPx: 100, viewportPx: 500, scrollTopPx: 0, overscanRows: 2 };

  it('mounts the rows on screen plus overscan below at the top', () => {
    expect(visibleWindow(base)).toEqual({ start: 0, end: (6 + 2) * 4, offsetPx: 0, totalHeightPx: 250 * 100 });
  });

  it('follows the scroll position with overscan on both sides', () => {
    const w = visibleWindow({ ...base, scrollTopPx: 1050 }); // row 10 at the top
    expect(w.start).toBe(8 * 4);
    expect(w.offsetPx).toBe(800);
    expect(w.end).toBe((10 + 6 + 2) * 4);
  });

  it('clamps at the end of the list and for short lists', () => {
    expect(visibleWindow({ ...base, scrollTopPx: 1e9 })).toMatchObject({ end: 1000 });
    expect(visibleWindow({ ...base, itemCount: 5 })).toEqual({ start: 0, end: 5, offsetPx: 0, totalHeightPx: 200 });
    expect(visibleWindow({ ...base, itemCount: 0 })).toEqual({ start: 0, end: 0, offsetPx: 0, totalHeightPx: 0 });
  });

  it('mounts a bounded number of items however long the list is', () => {
    const small = visibleWindow({ ...base, itemCount: 100 });
    const large = visibleWindow({ ...base, itemCount: 100_000, scrollTopPx: 500_000 });
    expect(large.end - large.start).toBeLessThanOrEqual(small.end - small.start + 2 * 4);
  });
});

describe('cardColumns', () => {
  it('fits as many minimum-width cards as the width allows, at least one', () => {
    expect(cardColumns(1200, 250, 8)).toBe(4);
    expect(cardColumns(1290, 250, 8)).toBe(5);
    expect(cardColumns(100, 250, 8)).toBe(1);
  });
});
