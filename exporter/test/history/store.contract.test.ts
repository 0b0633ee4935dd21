import { SqliteUsageStore } from '../../src/store/usage/sqlite';
import { MongoUsageStore } from '../../src/store/usage/mongodb';
import { UsageStoreError } from '../../src/store/usage/types';
import { usageStoreContract } from './storeContract';

usageStoreContract('sqlite', () => Promise.resolve(SqliteUsageStore.open(':memory:')));

const mongoUrl = process.env.MONGODB_URL;
if (mongoUrl) {
  let n = 0;
  // a fresh database per test so the contract starts empty
  usageStoreContract('mongodb', async () =>
    MongoUsageStore.connect(mongoUrl, `ada_carbon_contract_${process.pid}_${n++}`)
  );
} else {
  describe('usage store contract: mongodb', () => {
    it.skip('SKIPPED: set MONGODB_URL (e.g. mongodb://127.0.0.1:27017) to run the contract against a real MongoDB', () =>
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
