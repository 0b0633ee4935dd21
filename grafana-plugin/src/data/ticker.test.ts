import { reanchor, reanchorAll, tickerJoules, totalTickerJoules } from './ticker';

const T0 = 1_800_000_000_000;

describe('idle ticker', () => {
  it('advances by idle power each second from the real value', () => {
    const a = reanchor(undefined, 1000, 10, 1, T0);
    expect(tickerJoules(a, T0)).toBe(1000);
    expect(tickerJoules(a, T0 + 1000)).toBe(1010);
    expect(tickerJoules(a, T0 + 60_000)).toBe(1600);
  });

  it('jumps forward to a larger real value on refresh', () => {
    const a = reanchor(undefined, 1000, 10, 1, T0);
    const b = reanchor(a, 2000, 10, 1, T0 + 30_000);
    expect(tickerJoules(b, T0 + 30_000)).toBe(2000);
    expect(tickerJoules(b, T0 + 31_000)).toBe(2010);
  });

  it('never goes backwards when the extrapolation overshot, and re-syncs once the real value catches up', () => {
    const a = reanchor(undefined, 1000, 10, 1, T0);
    const shown = tickerJoules(a, T0 + 30_000); // 1300
    const b = reanchor(a, 1200, 10, 1, T0 + 30_000); // real was lower
    expect(tickerJoules(b, T0 + 30_000)).toBe(shown);
    expect(tickerJoules(b, T0 + 35_000)).toBe(shown); // holds: 1200 + 50 < 1300
    expect(tickerJoules(b, T0 + 40_000)).toBe(1300);
    expect(tickerJoules(b, T0 + 45_000)).toBe(1350); // follows the real value again
  });

  it('is monotonic over many refreshes with noisy data', () => {
    let anchor = reanchor(undefined, 0, 5, 1, T0);
    let last = 0;
    for (let s = 1; s <= 600; s++) {
      const now = T0 + s * 1000;
      if (s % 15 === 0) {
        const real = 5 * s + (s % 2 ? -40 : 40);
        anchor = reanchor(anchor, real, s % 4 ? 5 : 0, 1, now);
      }
      const v = tickerJoules(anchor, now);
      expect(v).toBeGreaterThanOrEqual(last);
      last = v;
    }
  });

  it('a reboot (new start time) restarts from the real value instead of holding the old one', () => {
    const a = reanchor(undefined, 50_000, 10, 1, T0);
    const b = reanchor(a, 20, 10, 2, T0 + 15_000);
    expect(tickerJoules(b, T0 + 15_000)).toBe(20);
  });

  it('negative or unknown idle power does not tick', () => {
    expect(tickerJoules(reanchor(undefined, 5, null, 1, T0), T0 + 10_000)).toBe(5);
    expect(tickerJoules(reanchor(undefined, 5, -3, 1, T0), T0 + 10_000)).toBe(5);
  });

  it('reanchorAll drops vanished workspaces and those without idle energy; totals add the rest', () => {
    const first = reanchorAll(
      new Map(),
      [
        { key: 'a', idleJoules: 100, idlePowerWatts: 1, startedTimestampSeconds: 1 },
        { key: 'b', idleJoules: 200, idlePowerWatts: 2, startedTimestampSeconds: 1 },
      ],
      T0
    );
    expect(totalTickerJoules(first, T0 + 10_000)).toBe(100 + 10 + 200 + 20);
    const second = reanchorAll(
      first,
      [
        { key: 'b', idleJoules: 230, idlePowerWatts: 2, startedTimestampSeconds: 1 },
        { key: 'c', idleJoules: null, idlePowerWatts: 2, startedTimestampSeconds: 1 },
      ],
      T0 + 15_000
    );
    expect([...second.keys()]).toEqual(['b']);
    expect(totalTickerJoules(second, T0 + 15_000)).toBe(230);
  });
});
