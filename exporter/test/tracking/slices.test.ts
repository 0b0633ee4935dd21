/**
 * The tracking steps run in slices give the same results as run at once, and let the event loop turn meanwhile:
 * a whole fleet's answers, observations and integration.
 */
import { observationSteps, siteLookup } from '../../src/tracking/observe';
import { integrateSteps, needsDetailSteps, type CycleContext } from '../../src/tracking/integrate';
import { runNow, runSliced, slicer, type Steps } from '../../src/tracking/slices';
import { parseInstantSteps } from '../../src/sources/prometheus/parse';
import { DEFAULTS } from '../../src/config/defaults';
import { resolveMachineProfile } from '../../src/config';
import type { Sample } from '../../src/sources/prometheus';
import type { TrackingQueryName } from '../../src/tracking/queries';
import { turnsDuring } from '../support/turns';

const HOSTS = 5000;
const site = siteLookup(DEFAULTS.sites);

function answers(t: number): Record<TrackingQueryName, Sample[]> {
  const target = (i: number) => ({ job: 'node', instance: `host-${i}.example:9100` });
  const ids = Array.from({ length: HOSTS }, (_, i) => i);
  return {
    boot: ids.map((i) => ({
      metric: { ...target(i), cloud_project_name: 'IDAaaS', machine_name: 'Muon', host: `host-${i}` },
      value: 1_790_000_000 + i,
    })),
    up: ids.flatMap((i) => [
      { metric: target(i), value: 1 },
      { metric: { ...target(i), ada_carbon_series: 'scrape_time' }, value: t },
    ]),
    cpuSeconds: ids.flatMap((i) => [
      { metric: { ...target(i), state: 'busy' }, value: 100 + i + t / 100 },
      { metric: { ...target(i), state: 'idle' }, value: 1000 + i + t / 10 },
    ]),
    cpus: ids.map((i) => ({ metric: target(i), value: 4 })),
    memoryActive: ids.map((i) => ({ metric: target(i), value: 2 ** 30 })),
  };
}

const ctx = (nowSeconds: number): CycleContext => ({
  nowSeconds,
  pue: 1.2,
  profileFor: (m) => resolveMachineProfile(DEFAULTS, m),
  gramsPerKwh: 150,
  intensityIsFallback: false,
  closeAfterSeconds: 600,
});

/** Runs the steps sliced, counting the turns the event loop had meanwhile. */
// a 1 ms slice, so that even a fast machine yields a few times over this fleet
const sliced = <T>(steps: Steps<T>): Promise<{ value: T; turns: number }> =>
  turnsDuring(() => runSliced(steps, slicer(1)));

describe('tracking steps in slices', () => {
  it('give what the steps give at once, with event-loop turns between slices', async () => {
    const first = answers(1_790_003_600);
    const observedNow = runNow(observationSteps(first, DEFAULTS.labels, site));
    const observed = await sliced(observationSteps(first, DEFAULTS.labels, site));
    expect(observed.value).toEqual(observedNow);
    expect(observed.value.observations).toHaveLength(HOSTS);
    expect(observed.turns).toBeGreaterThan(0);

    const opened = runNow(integrateSteps(new Map(), observedNow.observations, ctx(1_790_003_600)));
    const next = runNow(observationSteps(answers(1_790_003_660), DEFAULTS.labels, site)).observations;
    const integratedNow = runNow(integrateSteps(opened.open, next, ctx(1_790_003_660)));
    const integrated = await sliced(integrateSteps(opened.open, next, ctx(1_790_003_660)));
    expect(integrated.value).toEqual(integratedNow);
    expect(integrated.value.open.size).toBe(HOSTS);
    expect(integrated.turns).toBeGreaterThan(0);
    expect((await sliced(needsDetailSteps(opened.open, next))).value).toEqual([]);
  });

  it('decode a large Prometheus vector the same sliced or at once', async () => {
    const data = {
      resultType: 'vector',
      result: Array.from({ length: 20_000 }, (_, i) => ({ metric: { instance: `h${i}` }, value: [1, String(i)] })),
    };
    const decoded = await sliced(parseInstantSteps(data));
    expect(decoded.value).toEqual(runNow(parseInstantSteps(data)));
    expect(decoded.value[19_999]).toEqual({ metric: { instance: 'h19999' }, value: 19_999 });
    expect(decoded.turns).toBeGreaterThan(0);
  });
});

describe('sliced computations running at once', () => {
  const SLICE_MS = 2;
  const ITEM_MS = 0.25;
  /** An item of work that takes ITEM_MS of the clock, so that items per slice do not depend on the machine. */
  const item = (): void => {
    const until = performance.now() + ITEM_MS;
    while (performance.now() < until);
  };
  function* work(items: number, tick: () => number, perTick: Map<number, number>): Steps<number> {
    for (let i = 0; i < items; i++) {
      item();
      perTick.set(tick(), (perTick.get(tick()) ?? 0) + 1);
      yield;
    }
    return items;
  }

  it('share one slice per loop turn, rather than each taking a slice of its own in the same turn', async () => {
    let ticks = 0;
    let running = true;
    const tick = (): void => {
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const perTick = new Map<number, number>();
    const computations = 4;
    const done = await Promise.all(
      Array.from({ length: computations }, () =>
        runSliced(
          work(80, () => ticks, perTick),
          slicer(SLICE_MS)
        )
      )
    );
    running = false;
    expect(done).toEqual(Array(computations).fill(80));
    const itemsPerSlice = SLICE_MS / ITEM_MS;
    // every item ran, over many turns, and no turn held more than about one slice of all of them together
    expect([...perTick.values()].reduce((a, b) => a + b, 0)).toBe(computations * 80);
    expect(perTick.size).toBeGreaterThan((computations * 80) / (2 * itemsPerSlice));
    // A slice ends at the first look at the clock past its budget, an item or two late. The count before the first
    // tick is left out: it holds the synchronous start (one slice, then an item of each other computation) and, when a
    // turn handed out by an earlier test is still due before this test's first tick, the first turn as well.
    const steady = [...perTick.entries()].filter(([t]) => t > 0).map(([, n]) => n);
    expect(Math.max(...steady)).toBeLessThanOrEqual(itemsPerSlice + 2);
  });

  it('take turns in order, each still making progress', async () => {
    const order: number[] = [];
    function* tagged(id: number): Steps<void> {
      for (let i = 0; i < 3; i++) {
        order.push(id);
        item();
        yield;
      }
    }
    // a zero-millisecond slice: every item is followed by a turn
    await Promise.all([0, 1, 2].map((id) => runSliced(tagged(id), slicer(0))));
    expect(order).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
  });
});
