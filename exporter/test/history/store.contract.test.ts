import { MongoClient } from 'mongodb';
import type { UsageRow } from '../../src/history/types';
import { machineAveragesOf } from '../store/recount';
import { SqliteUsageStore } from '../../src/store/usage/sqlite';
import { MongoUsageStore } from '../../src/store/usage/mongodb';
import { UsageStoreError } from '../../src/store/usage/types';
import { H0, hour, usageStoreContract } from './storeContract';
import { keptSumsContract } from './storeContractKept';
import { useFerretDb } from '../../../tests/harness/ferretdb';

usageStoreContract('sqlite', () => Promise.resolve(SqliteUsageStore.open(':memory:')));
keptSumsContract('sqlite', () => Promise.resolve(SqliteUsageStore.open(':memory:')));

// A real MongoDB wire server every run: FerretDB (SQLite backend) on loopback.
describe('on FerretDB', () => {
  const ferret = useFerretDb();
  let n = 0;
  // a fresh database per test so the contract starts empty
  usageStoreContract('ferretdb', async () => {
    return MongoUsageStore.connect(ferret().url, `ada_carbon_contract_${process.pid}_${n++}`);
  });
  keptSumsContract('ferretdb', async () => {
    return MongoUsageStore.connect(ferret().url, `ada_carbon_contract_${process.pid}_${n++}`);
  });

  it('creates its indexes idempotently: connecting twice to one database is no error and keeps the data', async () => {
    const db = `ada_carbon_reconnect_${process.pid}`;
    const first = await MongoUsageStore.connect(ferret().url, db);
    await first.writeHours([{ scope: '*', hourStartSeconds: 3600, status: 'failed', sumCheckRatio: null, rows: [] }]);
    await first.close();
    const second = await MongoUsageStore.connect(ferret().url, db);
    try {
      expect((await second.hourStatuses(['*'], 0, 7200)).map((h) => h.status)).toEqual(['failed']);
    } finally {
      await second.close();
    }
  });

  it('a write that fails between the rows and their sums has the sums rebuilt from the rows by the next call', async () => {
    const db = `ada_carbon_sums_fault_${process.pid}`;
    const store = await MongoUsageStore.connect(ferret().url, db);
    const client = new MongoClient(ferret().url);
    try {
      await store.writeHours([hour(H0), hour(H0 + 3600)]);
      // a sums document the next update cannot $inc: the write fails after the rows went in
      await client
        .db(db)
        .collection('history_machine_days')
        .updateMany({}, { $set: { bc: 'not a number' } });
      await expect(store.writeHours([hour(H0, '*', 2)])).rejects.toThrow(UsageStoreError);
      const all = { fromSeconds: 0, toSeconds: 4e9 };
      const hostRows = [
        ...(await store.rows({ level: 'host', key: 'h1', ...all })),
        ...(await store.rows({ level: 'host', key: 'h2', ...all })),
      ];
      expect(hostRows.map((r) => r.busyCpuSeconds)).toEqual([200, 100, 200, 100]); // the rows of the failed write
      expect(await store.machineAverages()).toEqual(machineAveragesOf(hostRows));
    } finally {
      await client.close();
      await store.close();
    }
  });

  it('a database written before the kept machine sums gets them built once from its host rows', async () => {
    const db = `ada_carbon_averages_${process.pid}`;
    const first = await MongoUsageStore.connect(ferret().url, db);
    const row = (key: string, machine: string, h: number, busyJoules: number): UsageRow => ({
      level: 'host',
      key,
      project: 'P',
      machine,
      hourStartSeconds: h,
      busyCpuSeconds: 10,
      idleCpuSeconds: 90,
      busyJoules,
      idleJoules: 1000,
      busyGrams: 1.5,
      idleGrams: 0.5,
      fallbackGrams: 0,
      runtimeSeconds: 3600,
    });
    const rows = [row('h1', 'Muon', 0, 3.6e6), row('h1', 'Muon', 3600, 7.2e6), row('h2', 'Muon', 86400, 1e6)];
    rows.push(row('h3', 'SANS', 86400 * 2, 5e5));
    await first.writeHours(
      [0, 3600, 86400, 86400 * 2].map((h) => ({
        scope: '*',
        hourStartSeconds: h,
        status: 'ok' as const,
        sumCheckRatio: 1,
        rows: rows.filter((r) => r.hourStartSeconds === h),
      }))
    );
    const kept = await first.machineAverages();
    await first.close();
    // what a database of the version before holds: rows, no kept sums
    const client = new MongoClient(ferret().url);
    try {
      for (const c of ['history_layout', 'history_host_days', 'history_machine_days']) {
        await client.db(db).collection(c).deleteMany({});
      }
    } finally {
      await client.close();
    }
    const second = await MongoUsageStore.connect(ferret().url, db);
    try {
      expect(await second.machineAverages()).toEqual(kept);
      expect(kept).toEqual(machineAveragesOf(rows));
      expect(kept.map((a) => [a.machine, a.workspaceDays, a.workspaceHours])).toEqual([
        ['Muon', 2, 3],
        ['SANS', 1, 1],
      ]);
    } finally {
      await second.close();
    }
  });
});

const mongoUrl = process.env.MONGODB_URL;
if (mongoUrl) {
  let n = 0;
  usageStoreContract('mongodb', async () =>
    MongoUsageStore.connect(mongoUrl, `ada_carbon_contract_${process.pid}_${n++}`)
  );
  keptSumsContract('mongodb', async () =>
    MongoUsageStore.connect(mongoUrl, `ada_carbon_contract_${process.pid}_${n++}`)
  );
} else {
  describe('usage store contract: mongodb', () => {
    it.skip('SKIPPED: set MONGODB_URL (e.g. mongodb://127.0.0.1:27017) to also run the contract against a real MongoDB', () =>
      undefined);
  });
}

describe('usage store faults', () => {
  it('a store that is down rejects with a clear UsageStoreError', async () => {
    const store = SqliteUsageStore.open(':memory:');
    store.db.close();
    await expect(
      store.writeHours([{ scope: '*', hourStartSeconds: 0, status: 'ok', sumCheckRatio: 1, rows: [] }])
    ).rejects.toThrow(UsageStoreError);
    await expect(store.ping()).rejects.toThrow(/usage store \(sqlite\) ping failed/);
  });

  it('an unreachable MongoDB fails fast with a clear message', async () => {
    await expect(MongoUsageStore.connect('mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300', 'x')).rejects.toThrow(
      /usage store \(mongodb\) unreachable/
    );
  }, 15000);
});
