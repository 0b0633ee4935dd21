/** The sliced merge sort orders as a stable sort does, and yields while it works. */
import fc from 'fast-check';
import { runNow } from '../../src/tracking/slices';
import { sortSteps } from '../../src/util/sortSteps';
import { drainSteps } from '../support/steps';

describe('sortSteps', () => {
  it('gives what a stable sort gives, equal keys in their first order, the input untouched', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ key: fc.integer({ min: 0, max: 20 }), at: fc.nat() })), (items) => {
        const before = [...items];
        const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key;
        expect(runNow(sortSteps(items, byKey))).toEqual([...items].sort(byKey));
        expect(items).toEqual(before);
      })
    );
  });

  it('yields between groups of merged elements', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 10_000);
    const { value, yields } = drainSteps(sortSteps(items, (a, b) => a - b));
    expect(value).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    // about 14 passes of 10,000 merges, a yield every 256 of them
    expect(yields).toBeGreaterThan(400);
  });
});
