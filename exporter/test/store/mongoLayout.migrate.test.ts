/**
 * A MongoDB store in the row layout (one document per hour row, written here with the driver as the store before
 * wrote them) migrates to the key-day layout on connect without loss: every read afterwards equals the same read
 * summed from the old rows, also when the migration was interrupted and resumed.
 */
import { type Db } from 'mongodb';
import { MongoUsageStore } from '../../src/store/usage/mongodb';
import { MongoDictionary } from '../../src/store/usage/mongoDictionary';
import { migrateRows, type OldRowDoc } from '../../src/store/usage/mongoMigrate';
import { LAYOUT_VERSION } from '../../src/store/usage/mongoLayout';
import { bucketsOf, contributorsOf } from '../../src/store/usage/mongoClientSide';
import { GRANULARITIES } from '../../src/store/usage/types';
import { LEVELS, type UsageRow } from '../../src/history/types';
import { machineAveragesOf } from './recount';
import { useFerretDbClient } from '../../../tests/harness/ferretdb';
import { createRowLayoutIndexes, rowDocOf } from '../../../tests/harness/mongoRowLayout';

const H0 = Date.UTC(2025, 11, 30, 20) / 1000; // crosses two day, a month and a year boundary
const HOURS = 60;

/** Old rows: figures with at most three decimals (what the layout keeps exactly); early rows lack a runtime. */
function oldRows(): UsageRow[] {
  const rows: UsageRow[] = [];
  const machines = ['Muon', 'Artemis (Matlab)', 'SANS "x"'];
  for (let i = 0; i < HOURS; i++) {
    for (let n = 0; n < 6; n++) {
      const project = n % 2 === 0 ? 'IDAaaS' : 'CDAaaS';
      const machine = machines[(n + Math.floor(i / 30)) % 3]!; // host machine types change halfway
      const f = (x: number): number => Math.round(x * (1 + ((i * 7 + n * 13) % 17) / 10) * 1000) / 1000;
      const base = {
        project,
        machine,
        hourStartSeconds: H0 + i * 3600,
        busyCpuSeconds: f(101.125),
        idleCpuSeconds: f(3000.5),
        busyJoules: f(123456.789),
        idleJoules: f(65432.1),
        busyGrams: f(12.345),
        idleGrams: f(6.5),
        fallbackGrams: i % 11 === 0 ? f(1.25) : 0,
        runtimeSeconds: i < 10 ? null : f(3599.999),
      };
      rows.push({ level: 'host', key: `host-${n}`, ...base });
      if (i % 3 !== n % 3) rows.push({ level: 'user', key: n === 5 ? 'bob\n😀' : `user-${n % 3}`, ...base });
      if (n < 2) {
        for (const level of ['site', 'project', 'machine', 'experiment'] as const) {
          const key = level === 'site' ? 'isis' : level === 'project' ? project : level === 'machine' ? machine : 'x1';
          rows.push({ level, key, ...base });
        }
      }
    }
  }
  return rows;
}

/** What the store before left in a database: rows, statuses, its indexes, its kept sums and their marker. */
async function writeRowLayout(db: Db, rows: readonly UsageRow[]): Promise<void> {
  await createRowLayoutIndexes(db);
  // the oldest rows had no runtime field at all
  await db.collection<OldRowDoc>('history_usage').insertMany(rows.map((r) => rowDocOf(r, true)));
  await db.collection('history_hours').insertOne({
    scope: '*',
    hour_s: H0,
    status: 'ok',
    error: null,
    sum_check_ratio: 0.98,
    estimated_at_s: H0 + 7200,
  });
  await db.collection('history_host_days').insertOne({ k: 'host-0', m: 'Muon', d: H0 - 72000, n: 4 });
  await db
    .collection('history_machine_days')
    .insertOne({ m: 'Muon', d: H0 - 72000, w: 1, n: 4, bc: 1, ic: 1, bj: 1, ij: 1, bg: 1, ig: 1 });
  await db.collection('history_layout').insertOne({ _id: 'machine_days' as never, built_at_s: H0 });
}

/** Same numbers to 1e-9 relative (old sums were float sums in another order); same keys and nulls. */
function expectSame(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Math.abs(actual - expected) > 1e-9 * Math.max(1, Math.abs(expected))) {
      throw new Error(`${where}: ${actual} != ${expected}`);
    }
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort()).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected))
      expectSame((actual as Record<string, unknown>)[k], v, `${where}.${k}`);
    return;
  }
  expect({ where, value: actual }).toEqual({ where, value: expected });
}

/** Every read the store offers, against the same read summed from the old rows. */
async function expectReadsOf(store: MongoUsageStore, rows: readonly UsageRow[]): Promise<void> {
  const ranges = [
    [0, 4e9],
    [H0 + 5 * 3600, H0 + 41 * 3600],
    [H0 + 4 * 3600 + 1, H0 + 28 * 3600],
  ] as const;
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const byHour = (a: UsageRow, b: UsageRow): number =>
    a.hourStartSeconds - b.hourStartSeconds || cmp(a.project, b.project) || cmp(a.machine, b.machine);
  for (const level of LEVELS) {
    const keys = [...new Set(rows.filter((r) => r.level === level).map((r) => r.key))];
    for (const [from, to] of ranges) {
      const ofLevel = rows.filter((r) => r.level === level && r.hourStartSeconds >= from && r.hourStartSeconds < to);
      expectSame(
        await store.keys(level, from, to),
        contributorsOf(ofLevel, (r) => r.key),
        `keys ${level}`
      );
      const inCdaaas = ofLevel.filter((r) => r.project === 'CDAaaS');
      expectSame(
        await store.keys(level, from, to, 'CDAaaS'),
        contributorsOf(inCdaaas, (r) => r.key),
        `keys ${level} CDAaaS`
      );
      for (const key of keys) {
        const mine = ofLevel.filter((r) => r.key === key);
        const f = { level, key, fromSeconds: from, toSeconds: to };
        expectSame(await store.rows(f), [...mine].sort(byHour), `rows ${level} ${key}`);
        for (const g of GRANULARITIES) expectSame(await store.buckets(f, g), bucketsOf(mine, g), `${g} ${key}`);
        for (const by of ['project', 'machine'] as const) {
          expectSame(
            await store.split(f, by),
            contributorsOf(mine, (r) => r[by]),
            `split ${by} ${key}`
          );
        }
      }
    }
  }
  const averages = await store.machineAverages();
  expect(averages.map((a) => a.machine)).toEqual(['Artemis (Matlab)', 'Muon', 'SANS "x"']);
  expectSame(averages, machineAveragesOf(rows.filter((r) => r.level === 'host')), 'machine averages');
  expect((await store.hourStatuses(['*'], 0, 4e9)).map((s) => [s.hourStartSeconds, s.sumCheckRatio])).toEqual([
    [H0, 0.98],
  ]);
}

describe('MongoDB store: migration from the row layout (FerretDB)', () => {
  const { ferret, client } = useFerretDbClient();

  it('keeps every row, rollup, key list, split, machine average and status, and records the layout', async () => {
    const name = `ada_carbon_migrate_${process.pid}`;
    const rows = oldRows();
    await writeRowLayout(client().db(name), rows);
    const store = await MongoUsageStore.connect(ferret().url, name);
    try {
      await expectReadsOf(store, rows);
      const db = client().db(name);
      const collections = (await db.listCollections().toArray()).map((c) => c.name);
      expect(collections).not.toContain('history_usage');
      expect(collections).not.toContain('history_host_days');
      expect(await db.collection('history_layout').findOne({ _id: 'usage_layout' as never })).toMatchObject({
        v: LAYOUT_VERSION,
      });
      // a key-day document per (key, day), not one per row
      expect(await db.collection('history_usage_days').countDocuments()).toBeLessThan(rows.length / 10);
    } finally {
      await store.close();
    }
    const again = await MongoUsageStore.connect(ferret().url, name); // opening a migrated store changes nothing
    try {
      await expectReadsOf(again, rows);
    } finally {
      await again.close();
    }
  }, 120000);

  it('resumes an interrupted migration: days moved before, and a day moved but not yet deleted, count once', async () => {
    const name = `ada_carbon_migrate_resume_${process.pid}`;
    const rows = oldRows();
    const db = client().db(name);
    await writeRowLayout(db, rows);
    const dict = new MongoDictionary(db.collection('history_keys'), db.collection('history_names'));
    await dict.prepare();
    // one day moved, as an interrupted migration leaves it
    const moved = await migrateRows(db.collection('history_usage'), db.collection('history_usage_days'), dict, 1);
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(rows.length);
    // and the next day's rows written into key-day documents while the process died before deleting them
    const day2 = rows.filter((r) => r.hourStartSeconds >= H0 + 4 * 3600 && r.hourStartSeconds < H0 + 28 * 3600);
    const copy = client().db(`${name}_copy`);
    await copy.collection<OldRowDoc>('history_usage').insertMany(day2.map((r) => rowDocOf(r, true)));
    await migrateRows(copy.collection('history_usage'), db.collection('history_usage_days'), dict);
    const store = await MongoUsageStore.connect(ferret().url, name);
    try {
      await expectReadsOf(store, rows);
      expect(await db.collection('history_usage').countDocuments()).toBe(0);
    } finally {
      await store.close();
    }
  }, 120000);
});
