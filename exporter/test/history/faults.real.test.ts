/** Faults around a real Prometheus: failing hours, carbon outage, store down, a killed run. */
import { openHistory, type HistoryContext } from '../../src/history/context';
import { SqliteUsageStore } from '../../src/store/usage/sqlite';
import { UsageStoreError, type UsageStore } from '../../src/store/usage/types';
import { clients, END, historyConfig, hourTruth, spec, START, startUpstreams, within, type Upstreams } from './support';
import { startHourFaultProxy, type HourFaultProxy } from './hourFaultProxy';

let up: Upstreams;
let proxy: HourFaultProxy;
const NOW = Date.now() / 1000;

beforeAll(async () => {
  up = await startUpstreams();
  proxy = await startHourFaultProxy(up.prom.url);
}, 120000);

afterAll(async () => {
  await proxy?.close();
  await up?.stop();
});

const siteJoules = async (ctx: HistoryContext, from = START, to = END) =>
  (await ctx.store.keys('project', from, to)).reduce((a, c) => a + c.busyJoules + c.idleJoules, 0);
const truthJoules = (from = START, to = END) => {
  let s = 0;
  for (const h of spec.hosts) for (let t = from; t < to; t += 3600) s += hourTruth(h, t, NOW).joules;
  return s;
};

describe('history faults', () => {
  it('stores hours whose Prometheus requests fail as failed, and the next run retries only those', async () => {
    const loaded = historyConfig(up, { history: { hoursPerQuery: 6 } }, proxy.url);
    const ctx = await openHistory({ config: loaded.config, ...clients(loaded) });
    try {
      proxy.failHours.add(START + 3600).add(START + 4 * 3600);
      const first = await ctx.runner.run({ fromSeconds: START, toSeconds: END });
      expect(first).toMatchObject({ hoursEstimated: 4, hoursFailed: 2 });
      expect(first.errors.join()).toMatch(/injected outage/);
      const st = await ctx.store.hourStatuses(['*'], START, END);
      expect(st.filter((s) => s.status === 'failed').map((s) => (s.hourStartSeconds - START) / 3600)).toEqual([1, 4]);
      proxy.failHours.clear();
      const second = await ctx.runner.run({ fromSeconds: START, toSeconds: END });
      expect(second).toMatchObject({ hoursSkipped: 4, hoursEstimated: 2, hoursFailed: 0 });
      expect(within(await siteJoules(ctx), truthJoules())).toBe(true);
    } finally {
      proxy.failHours.clear();
      await ctx.close();
    }
  });

  it('asks the carbon API once per chunk while Prometheus fails, not again for each half it retries', async () => {
    const loaded = historyConfig(up, { history: { hoursPerQuery: 6 } }, proxy.url);
    const ctx = await openHistory({ config: loaded.config, ...clients(loaded) });
    try {
      for (let h = START; h < END; h += 3600) proxy.failHours.add(h);
      up.carbon.setMode('empty'); // answers, but no slot gets cached: each ask would go to the API again
      const r = await ctx.runner.run({ fromSeconds: START, toSeconds: END });
      expect(r).toMatchObject({ hoursEstimated: 0, hoursFailed: 6, hoursPerChunk: 6 });
      expect(r.prometheusRequests).toBeGreaterThan(6); // the chunk was split down to single hours
      expect(r.carbonRequests).toBe(1);
    } finally {
      up.carbon.setMode('ok');
      proxy.failHours.clear();
      await ctx.close();
    }
  });

  it('uses the flagged fallback during a carbon outage for part of the range, then replaces it', async () => {
    const loaded = historyConfig(up, { history: { hoursPerQuery: 2, parallelQueries: 1 } });
    const ctx = await openHistory({ config: loaded.config, ...clients(loaded) });
    try {
      const first = await ctx.runner.run({
        fromSeconds: START,
        toSeconds: END,
        onProgress: (done) => {
          if (done === 2) up.carbon.setMode('500');
        },
      });
      expect(first).toMatchObject({ hoursEstimated: 6, hoursFallback: 4 });
      const rows = await ctx.store.keys('project', START + 2 * 3600, END);
      const grams = rows.reduce((a, r) => a + r.busyGrams + r.idleGrams, 0);
      const fallback = rows.reduce((a, r) => a + r.fallbackGrams, 0);
      const kwh = rows.reduce((a, r) => a + (r.busyJoules + r.idleJoules) / 3.6e6, 0);
      expect(fallback).toBeCloseTo(grams, 6);
      expect(grams / kwh).toBeCloseTo(loaded.config.carbonIntensity.fallbackGramsPerKwh, 6);
      up.carbon.setMode('ok');
      const second = await ctx.runner.run({ fromSeconds: START, toSeconds: END });
      expect(second).toMatchObject({ hoursSkipped: 2, hoursEstimated: 4, hoursFallback: 0 });
      expect((await ctx.store.keys('project', START, END)).reduce((a, r) => a + r.fallbackGrams, 0)).toBe(0);
      const third = await ctx.runner.run({ fromSeconds: START, toSeconds: END, force: true });
      expect(third.carbonRequests).toBe(0); // every half-hour is in the local cache
    } finally {
      up.carbon.setMode('ok');
      await ctx.close();
    }
  });

  it('stops with a clear error when the store goes down, keeps what was stored, and resumes', async () => {
    const loaded = historyConfig(up, { history: { hoursPerQuery: 2, parallelQueries: 1 } });
    const real = SqliteUsageStore.open(loaded.config.store.sqlite.path);
    let writes = 0;
    const flaky: UsageStore = Object.assign(Object.create(real) as UsageStore, {
      writeHours: async (r: Parameters<UsageStore['writeHours']>[0]) => {
        if (++writes > 1) throw new UsageStoreError('usage store (sqlite) write failed: disk I/O error');
        return real.writeHours(r);
      },
    });
    const c = clients(loaded);
    const ctx = await openHistory({ config: loaded.config, ...c, store: flaky });
    await expect(ctx.runner.run({ fromSeconds: START, toSeconds: END })).rejects.toThrow(
      /usage store \(sqlite\) write failed/
    );
    await ctx.close();
    const resumed = await openHistory({ config: loaded.config, ...clients(loaded), store: real });
    try {
      const r = await resumed.runner.run({ fromSeconds: START, toSeconds: END });
      expect(r).toMatchObject({ hoursSkipped: 2, hoursEstimated: 4 });
      expect(within(await siteJoules(resumed), truthJoules())).toBe(true);
    } finally {
      await resumed.close();
      await real.close();
    }
  });

  it('a run killed mid-way resumes where it stopped, never double counting', async () => {
    const loaded = historyConfig(up, { history: { hoursPerQuery: 1, parallelQueries: 1 } });
    const ctx = await openHistory({ config: loaded.config, ...clients(loaded) });
    try {
      await expect(
        ctx.runner.run({
          fromSeconds: START,
          toSeconds: END,
          onProgress: (done) => {
            if (done === 3) throw new Error('killed');
          },
        })
      ).rejects.toThrow('killed');
      const r = await ctx.runner.run({ fromSeconds: START, toSeconds: END });
      expect(r).toMatchObject({ hoursSkipped: 3, hoursEstimated: 3 });
      expect(within(await siteJoules(ctx), truthJoules())).toBe(true);
    } finally {
      await ctx.close();
    }
  });
});
