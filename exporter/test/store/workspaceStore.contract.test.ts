import { MongoWorkspaceStore } from '../../src/store/mongodb';
import { SqliteWorkspaceStore } from '../../src/store/sqlite';
import { useFerretDb } from '../../../tests/harness/ferretdb';
import { workspace, workspaceStoreContract } from './workspaceStoreContract';

workspaceStoreContract('sqlite', () => Promise.resolve(SqliteWorkspaceStore.open(':memory:')));

describe('on FerretDB', () => {
  const ferret = useFerretDb();
  const url = (): string => ferret().url;
  let n = 0;
  workspaceStoreContract('ferretdb', () =>
    Promise.resolve(MongoWorkspaceStore.open(url(), `ada_carbon_ws_${process.pid}_${n++}`))
  );

  it('opening does not connect, and calls reject (then recover) while the server is down', async () => {
    const db = `ada_carbon_ws_down_${process.pid}`;
    await ferret().stop();
    const store = MongoWorkspaceStore.open(url(), db);
    try {
      await expect(store.saveWorkspaces([workspace('a')])).rejects.toThrow();
      await ferret().start();
      await store.saveWorkspaces([workspace('a')]);
      expect((await store.loadOpenWorkspaces()).map((s) => s.id)).toEqual(['a']);
    } finally {
      await store.close();
      await ferret().start();
    }
  }, 30000);
});

const mongoUrl = process.env.MONGODB_URL;
if (mongoUrl) {
  let n = 0;
  workspaceStoreContract('mongodb', () =>
    Promise.resolve(MongoWorkspaceStore.open(mongoUrl, `ada_carbon_ws_${process.pid}_${n++}`))
  );
}
