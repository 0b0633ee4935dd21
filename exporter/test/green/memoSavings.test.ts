/**
 * The savings view computed ahead in slices (what a rendering awaits before the collectors read it) is the view the
 * synchronous path gives, and the getter then finds it ready; a view of snapshots that moved on is not kept.
 */
import { memoSavings, savingsView, type SavingsContext } from '../../src/green';
import type { ForecastSnapshot } from '../../src/green/refresher';
import { emptySnapshot, type TrackingSnapshot } from '../../src/tracking/snapshot';
import { ws } from '../http/accessSupport';

const ctx: SavingsContext = {
  area: 'GB' as SavingsContext['area'],
  profileFor: () => ({ busyWattsPerCpu: 12, idleWattsPerCpu: 1.44, memoryWattsPerGiB: 0.3725, otherWatts: 0 }),
  pue: 1.2,
  idleRatioThreshold: 0.95,
  fallbackGramsPerKwh: 200,
  clock: () => 1_790_003_600,
};
const forecast: ForecastSnapshot = { version: 1, areas: [], windows: [] };
const snapshot = (version: number, n: number): TrackingSnapshot => ({
  ...emptySnapshot(),
  version,
  generatedAtSeconds: 1_790_003_600,
  // a few thousand workspaces over three projects, so that the steps yield many times
  workspaces: Array.from({ length: n }, (_, i) => ({
    ...ws(`h-${i}`, `u${i}`, i % 2 ? 'isis' : 'clf'),
    project: `P${i % 3}`,
    idleRatio: i % 4 === 0 ? 0.5 : 0.99,
  })),
});

it('prepare computes the same view in slices, and the getter returns it without recomputing', async () => {
  let tracking = snapshot(1, 5000);
  const memo = memoSavings(
    () => tracking,
    () => forecast,
    ctx
  );
  await memo.prepare();
  const view = memo();
  expect(view).toEqual(savingsView(tracking, forecast, ctx));
  expect(view.groups).toHaveLength(6);
  expect(memo()).toBe(view);
  await memo.prepare();
  expect(memo()).toBe(view);

  // the snapshot moves on while a preparation is under way: its (older) view is not kept
  const preparing = memo.prepare();
  tracking = snapshot(2, 10);
  await preparing;
  const fresh = memo();
  expect(fresh.groups.reduce((n, g) => n + g.workspaces, 0)).toBe(10);
});
