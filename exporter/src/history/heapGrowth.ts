// The backfill's garbage, not what it keeps, set its peak memory: V8 lets the heap grow to about 4x what survived the
// last full collection before the next one when collections are cheap (a 2,000-host day: 34 MB live, 145 MB heap).
// Every chunk decodes answers and builds rows it drops right after, so the heap filled with them. A growing factor
// of 1.5 keeps the heap within 1.5x of what is live; the extra full collections cost no measurable wall time on the
// bench (a collection of ~40 MB live takes tens of milliseconds).
import { setFlagsFromString } from 'node:v8';

/** The heap may grow to (1 + this / 100) x its live size between full collections. */
export const HEAP_GROWING_PERCENT = 50;

let set = false;

/** Once per process, before the first run: the factor is read at every full collection, so it applies from then. */
export function boundHeapGrowth(): void {
  if (set) return;
  set = true;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
