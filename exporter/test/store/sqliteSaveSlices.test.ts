import { SqliteWorkspaceStore, STATES_PER_TRANSACTION } from '../../src/store/sqlite';
import { workspace } from './workspaceStoreContract';
import { turnsDuring } from '../support/turns';

describe('SqliteWorkspaceStore.saveWorkspaces at fleet scale', () => {
  it('writes thousands of states in several transactions, the event loop turning between them', async () => {
    const store = SqliteWorkspaceStore.open(':memory:');
    try {
      const n = STATES_PER_TRANSACTION * 3 + 7;
      const states = Array.from({ length: n }, (_, i) => workspace(`ws-${String(i).padStart(5, '0')}`));
      const { turns } = await turnsDuring(() => store.saveWorkspaces(states));
      // one turn at least per transaction after the first: a single transaction would leave the ticker at 0 or 1
      expect(turns).toBeGreaterThanOrEqual(3);
      const saved = await store.listWorkspaces();
      expect(saved.map((s) => s.id)).toEqual(states.map((s) => s.id));
    } finally {
      await store.close();
    }
  });
});
