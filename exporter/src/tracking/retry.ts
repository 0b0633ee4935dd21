import { nextTurn } from './slices';

/**
 * When a failing store write is tried again, counted in tracking cycles: the next cycle after the first failure,
 * then after 1, 3, 7, ... skipped cycles, at most `maxSkipped`. Cycles rather than seconds, so that a cycle that
 * runs a little early never misses its turn. Pure: the tracker asks and reports.
 */
export class RetryBackoff {
  private failures = 0;
  private skipLeft = 0;

  constructor(private readonly maxSkipped = 15) {}

  /** Whether this cycle should try; a cycle that should not counts as skipped. */
  attempt(): boolean {
    if (this.skipLeft === 0) return true;
    this.skipLeft--;
    return false;
  }

  failed(): void {
    this.failures++;
    this.skipLeft = Math.min(2 ** (this.failures - 1) - 1, this.maxSkipped);
  }

  succeeded(): void {
    this.failures = 0;
    this.skipLeft = 0;
  }

  /** failures in a row so far */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** cycles to skip before the next attempt */
  get cyclesUntilRetry(): number {
    return this.skipLeft;
  }
}

/** States per store call: a synchronous store (SQLite) then holds the event loop for one batch, not for all. */
export const WRITE_BATCH = 1000;

/** The states a store has not taken yet, latest per workspace (so bounded by the open workspaces), and their retry. */
export class WriteBehind<S extends { id: string }> {
  private readonly pending = new Map<string, S>();
  readonly backoff: RetryBackoff;

  constructor(
    private readonly save: (states: S[]) => Promise<void>,
    maxSkippedCycles?: number,
    private readonly batch = WRITE_BATCH
  ) {
    this.backoff = new RetryBackoff(maxSkippedCycles);
  }

  set(state: S): void {
    this.pending.set(state.id, state);
  }

  get(id: string): S | undefined {
    return this.pending.get(id);
  }

  get size(): number {
    return this.pending.size;
  }

  /**
   * Writes everything pending in batches, the event loop getting a turn between two, or skips while the backoff says
   * wait. Resolves to undefined when skipped, to the error when a write failed (what it and later batches held stays
   * pending), to null when all went through.
   */
  async flush(): Promise<Error | null | undefined> {
    if (!this.backoff.attempt()) return undefined;
    try {
      const states = [...this.pending.values()];
      for (let i = 0; i < states.length || i === 0; i += this.batch) {
        if (i > 0) await nextTurn();
        const part = states.slice(i, i + this.batch);
        await this.save(part);
        // a state set again meanwhile is newer than the one written: it stays pending
        for (const st of part) if (this.pending.get(st.id) === st) this.pending.delete(st.id);
      }
      this.backoff.succeeded();
      return null;
    } catch (err) {
      this.backoff.failed();
      return err instanceof Error ? err : new Error(String(err));
    }
  }
}
