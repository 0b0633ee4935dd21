/** history.retentionDays: after a history run, days older than the retention are pruned, on SQLite and on MongoDB. */
import { openHistory } from '../../src/history/context';
import { SqliteUsageStore } from '../../src/store/usage/sqlite';
import { MongoUsageStore } from '../../src/store/usage/mongodb';
import type { UsageStore } from '../../src/store/usage/types';
import { clients, END, historyConfig, START, startUpstreams, type Upstreams } from '../history/support';
import { useFerretDb } from '../../../tests/harness/ferretdb';

let up: Upstreams;
beforeAll(async () => {
  up = await startUpstreams();
}, 120000);
afterAll(async () => {
  await up?.stop();
});

const DAY = 86400;

/** Runs the fleet's day into a fresh store three times: no retention, then one day kept from two later nows. */
async function expectPruning(store: UsageStore): Promise<void> {
  const run = async (retentionDays: number | undefined, nowSeconds: number) => {
    const loaded = historyConfig(up, retentionDays === undefined ? {} : { history: { retentionDays } });
    const ctx = await openHistory({ config: loaded.config, ...clients(loaded), store, now: () => nowSeconds });
    try {
      await ctx.runner.run({ fromSeconds: START, toSeconds: END, force: true });
      return {
        hours: (await store.hourStatuses(['*'], START, END)).length,
        projects: (await store.keys('project', START, END)).length,
        machines: (await ctx.machineMetrics.list()).length,
        averages: (await store.machineAverages()).length,
      };
    } finally {
      await ctx.close();
    }
  };
  try {
    const kept = await run(undefined, END + 30 * DAY);
    expect(kept.hours).toBe((END - START) / 3600);
    expect(kept.projects).toBeGreaterThan(0);
    expect(kept.machines).toBeGreaterThan(0);
    expect(kept.averages).toBeGreaterThan(0);
    // one day kept, counted back from a now on the next day: the fleet's day is still within it
    expect(await run(1, START + DAY + 3600)).toEqual(kept);
    // two days later it is not: rows, statuses and the machine averages from them are gone
    expect(await run(1, START + 2 * DAY + 3600)).toEqual({ hours: 0, projects: 0, machines: 0, averages: 0 });
  } finally {
    await store.close();
  }
}

describe('history.retentionDays', () => {
  it('SQLite: keeps the days within the retention and prunes older ones after each run, averages included', async () => {
    await expectPruning(SqliteUsageStore.open(':memory:'));
  }, 60000);

  describe('MongoDB (FerretDB)', () => {
    const ferret = useFerretDb();
    it('keeps the days within the retention and prunes older ones after each run, averages included', async () => {
      await expectPruning(await MongoUsageStore.connect(ferret().url, `ada_carbon_retention_${process.pid}`));
    }, 120000);
  });
});
