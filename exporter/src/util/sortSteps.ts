import type { Steps } from '../tracking/slices';

/** Output elements merged between two yields. */
const MERGED_PER_STEP = 256;

/**
 * A stable bottom-up merge sort written as steps, so that sorting ten thousand rows can run in slices (one
 * Array.prototype.sort call of them held the event loop for tens of milliseconds). Same order as a stable sort with
 * `compare`; `items` is left as it is.
 */
export function* sortSteps<T>(items: readonly T[], compare: (a: T, b: T) => number): Steps<T[]> {
  let from = [...items];
  let to: T[] = new Array<T>(from.length);
  let merged = 0;
  for (let width = 1; width < from.length; width *= 2) {
    for (let lo = 0; lo < from.length; lo += 2 * width) {
      const mid = Math.min(lo + width, from.length);
      const hi = Math.min(lo + 2 * width, from.length);
      let i = lo;
      let j = mid;
      let k = lo;
      // the right run's element goes first only when strictly smaller: equal elements keep their order
      while (i < mid && j < hi) {
        to[k++] = compare(from[j]!, from[i]!) < 0 ? from[j++]! : from[i++]!;
        if (++merged % MERGED_PER_STEP === 0) yield;
      }
      while (i < mid) to[k++] = from[i++]!;
      while (j < hi) to[k++] = from[j++]!;
    }
    [from, to] = [to, from];
    yield;
  }
  return from;
}
