import { RetryBackoff, WriteBehind } from '../../src/tracking/retry';

/** Runs `cycles` flushes against a store that is down for the first `downCycles`; returns the cycles that wrote. */
async function attemptsWhileDown(downCycles: number, cycles: number, maxSkipped?: number) {
  const attempts: number[] = [];
  const written: Array<Array<{ id: string; v: number }>> = [];
  let cycle = 0;
  const wb = new WriteBehind<{ id: string; v: number }>(async (states) => {
    attempts.push(cycle);
    if (cycle <= downCycles) throw new Error('store down');
    written.push(states);
    return Promise.resolve();
  }, maxSkipped);
  for (cycle = 1; cycle <= cycles; cycle++) {
    wb.set({ id: 'a', v: cycle });
    if (cycle % 2 === 0) wb.set({ id: 'b', v: cycle });
    await wb.flush();
  }
  return { attempts, written, pending: wb.size };
}

describe('store write backoff', () => {
  it('tries at cycles 1, 2, 4, 8, 16 while down: each wait doubles', async () => {
    const { attempts } = await attemptsWhileDown(100, 20);
    expect(attempts).toEqual([1, 2, 4, 8, 16]);
  });

  it('never waits more than maxSkipped cycles', async () => {
    const { attempts } = await attemptsWhileDown(1000, 60, 7);
    const gaps = attempts.slice(1).map((c, i) => c - attempts[i]!);
    expect(gaps).toEqual([1, 2, 4, 8, 8, 8, 8, 8, 8]); // attempts at 1, 2, 4, 8, 16, 24, ... 56
  });

  it('writes the latest state of every workspace once the store is back, then every cycle again', async () => {
    const { attempts, written, pending } = await attemptsWhileDown(5, 12);
    // down at 1, 2, 4; back by 8: written at 8, then each cycle
    expect(attempts).toEqual([1, 2, 4, 8, 9, 10, 11, 12]);
    expect(written[0]).toEqual([
      { id: 'a', v: 8 },
      { id: 'b', v: 8 },
    ]);
    expect(written[1]).toEqual([{ id: 'a', v: 9 }]);
    expect(pending).toBe(0);
  });

  it('keeps one pending state per workspace however long the store is down', async () => {
    const { pending } = await attemptsWhileDown(1000, 200);
    expect(pending).toBe(2);
  });

  it('says how many cycles are left before the next attempt, and resets on success', () => {
    const b = new RetryBackoff();
    b.failed();
    expect(b.cyclesUntilRetry).toBe(0);
    b.failed();
    b.failed();
    expect([b.consecutiveFailures, b.cyclesUntilRetry]).toEqual([3, 3]);
    b.succeeded();
    expect([b.consecutiveFailures, b.cyclesUntilRetry, b.attempt()]).toEqual([0, 0, true]);
  });
});

describe('store writes in batches', () => {
  it('writes every pending state in batches, with event-loop turns between them', async () => {
    const calls: number[] = [];
    let turns = 0;
    const wb = new WriteBehind<{ id: string }>(
      async (states) => {
        calls.push(states.length);
        return Promise.resolve();
      },
      undefined,
      4
    );
    for (let i = 0; i < 10; i++) wb.set({ id: `w${i}` });
    // a ticker on the same queue as the yields: it runs only if flush lets the event loop turn (a 0 ms timer may not
    // come due within two quick turns, so it would not show them)
    let ticking = true;
    const tick = (): void => {
      if (!ticking) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const result = await wb.flush();
    ticking = false;
    expect([result, calls, wb.size]).toEqual([null, [4, 4, 2], 0]);
    expect(turns).toBeGreaterThan(0);
  });

  it('keeps what a failed batch and the batches after it held, and writes it next time', async () => {
    let failAt = 2;
    const written: string[] = [];
    const wb = new WriteBehind<{ id: string }>(
      async (states) => {
        if (failAt-- === 1) throw new Error('store down');
        written.push(...states.map((s) => s.id));
        return Promise.resolve();
      },
      undefined,
      2
    );
    for (let i = 0; i < 5; i++) wb.set({ id: `w${i}` });
    expect((await wb.flush())?.message).toBe('store down');
    expect([written, wb.size]).toEqual([['w0', 'w1'], 3]);
    expect(await wb.flush()).toBeNull();
    expect([written, wb.size]).toEqual([['w0', 'w1', 'w2', 'w3', 'w4'], 0]);
  });
});
