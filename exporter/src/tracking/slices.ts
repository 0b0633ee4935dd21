// Long loops over every target, written once as generators that yield now and then: tests run them at once, serve
// runs them giving the event loop a turn every few milliseconds, so scrapes and health checks never wait long.

/** Work between two turns of the event loop. */
const SLICE_MS = 8;
/** Items a step loop handles between two yields (a look at the clock when sliced). */
export const ITEMS_PER_STEP = 256;

/** A computation that yields between groups of items and returns its result. */
export type Steps<T> = Generator<void, T, void>;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Returns what gives the event loop a turn once `sliceMs` of work has passed since the last: call it between items
 * (it looks at the clock every `checkEvery` calls) and await what it returns, if anything.
 */
export function slicer(sliceMs = SLICE_MS, checkEvery = 1): () => Promise<void> | undefined {
  let since = performance.now();
  let n = 0;
  return () => {
    if (++n % checkEvery !== 0 || performance.now() - since < sliceMs) return undefined;
    return nextTurn().then(() => {
      since = performance.now();
    });
  };
}

/** Runs the steps to the end at once. */
export function runNow<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Runs the steps to the end, the event loop getting a turn every few milliseconds. */
export async function runSliced<T>(steps: Steps<T>, pause = slicer()): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    const turn = pause();
    if (turn) await turn;
  }
}
