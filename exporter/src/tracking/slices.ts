// Long loops over every target, written once as generators that yield now and then: tests run them at once, serve
// runs them giving the event loop a turn every few milliseconds, so scrapes and health checks never wait long.
//
// Every sliced computation in the process shares one budget and one queue. Each with a clock of its own would
// let several (five query answers decoded, a rendering and a store write) take their slices back to back in one
// phase of the loop, holding it for the sum; here a slice is measured from the start of the loop's current stretch
// of sliced work, and the computations waiting for a turn get one each per loop iteration, in order.

/** Work between two turns of the event loop. */
const SLICE_MS = 8;
/** Items a step loop handles between two yields (a look at the clock when sliced). */
export const ITEMS_PER_STEP = 256;

/** A computation that yields between groups of items and returns its result. */
export type Steps<T> = Generator<void, T, void>;

// taken at load: a test's fake timers must not strand a turn
const immediate = setImmediate;
const waiting: Array<() => void> = [];
let pumping = false;
/** When the current stretch of sliced work began; a stretch ends at the next setImmediate callback. */
let stretchStartedAt = 0;
let stretchOpen = false;

const closeStretch = (): void => {
  stretchOpen = false;
};

/** Milliseconds of sliced work in the current stretch of the event loop, opening one if none is open. */
function stretchElapsedMs(): number {
  const now = performance.now();
  if (!stretchOpen) {
    stretchOpen = true;
    stretchStartedAt = now;
    immediate(closeStretch);
  }
  return now - stretchStartedAt;
}

/** Gives the first waiting computation its turn; the next one gets the next loop iteration, after I/O. */
function pump(): void {
  const next = waiting.shift();
  if (next === undefined) {
    pumping = false;
    return;
  }
  immediate(pump);
  stretchOpen = false; // the turn starts a stretch of its own
  next();
}

/** Resolves at this computation's next turn of the event loop (after I/O, in order with every other waiter). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!pumping) {
      pumping = true;
      immediate(pump);
    }
  });
}

/**
 * Returns what gives the event loop a turn once `sliceMs` of sliced work (this computation's and any other's) has
 * passed in the loop's current stretch: call it between items (it looks at the clock every `checkEvery` calls) and
 * await what it returns, if anything.
 */
export function slicer(sliceMs = SLICE_MS, checkEvery = 1): () => Promise<void> | undefined {
  let n = 0;
  return () => {
    if (++n % checkEvery !== 0 || stretchElapsedMs() < sliceMs) return undefined;
    return nextTurn();
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
