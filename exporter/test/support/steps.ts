import type { Steps } from '../../src/tracking/slices';

/** Runs the steps to the end at once, counting their yields. */
export function drainSteps<T>(steps: Steps<T>): { value: T; yields: number } {
  let yields = 0;
  let r = steps.next();
  for (; !r.done; r = steps.next()) yields++;
  return { value: r.value, yields };
}
