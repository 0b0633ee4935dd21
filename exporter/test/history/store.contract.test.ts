import { SqliteUsageStore } from '../../src/store/usage/sqlite';
import { MongoUsageStore } from '../../src/store/usage/mongodb';
import { UsageStoreError } from '../../src/store/usage/types';
import { usageStoreContract } from './storeContract';
import { useFerretDb } from '../../../tests/harness/ferretdb';

usageStoreContract('sqlite', () => Promise.resolve(SqliteUsageStore.open(':memory:')));

// A real MongoDB wire server every run: FerretDB (SQLite backend) on loopback.
describe('on FerretDB', () => {
  const ferret = useFerretDb();
  let n = 0;
  // a fresh database per test so the contract starts empty
  usageStoreContract('ferretdb', async () => {
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
});

const mongoUrl = process.env.MONGODB_URL;
if (mongoUrl) {
  let n = 0;
  usageStoreContract('mongodb', async () =>
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
