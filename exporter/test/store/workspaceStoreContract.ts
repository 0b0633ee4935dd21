/** The workspace-store (live tracking state) contract: SQLite and MongoDB adapters must both pass it. */
import type { WorkspaceState } from '../../src/tracking/types';
import type { WorkspaceStore } from '../../src/store/types';

export const workspace = (id: string, over: Partial<WorkspaceState> = {}): WorkspaceState => ({
  id,
  job: 'node',
  instance: `${id}:9100`,
  site: 'isis',
  project: 'IDAaaS',
  machine: 'Muon',
  host: id,
  user: 'alice',
  experiment: 'unknown',
  startedAtSeconds: 1_790_000_000,
  cpus: 4,
  firstSeenSeconds: 1_790_000_100,
  lastSeenSeconds: 1_790_003_600,
  lastBusyCpuSeconds: 10.5,
  lastIdleCpuSeconds: 20.25,
  busyCpuSecondsTotal: 1000,
  idleCpuSecondsTotal: 13400,
  runtimeSeconds: 250,
  busyJoules: 12000.125,
  idleJoules: 19296,
  busyGrams: 0.5,
  idleGrams: 0.75,
  fallbackGrams: 0,
  powerWatts: 8.75,
  idlePowerWatts: 5.5,
  idleRatio: null,
  status: 'active',
  partial: false,
  ...over,
});

export function workspaceStoreContract(name: string, open: () => Promise<WorkspaceStore>): void {
  describe(`workspace store contract: ${name}`, () => {
    let store: WorkspaceStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('saves whole states and reads them back exactly', async () => {
      const a = workspace('a', { idleRatio: 0.93, closedAtSeconds: undefined });
      await store.saveWorkspaces([a, workspace('b')]);
      expect(await store.getWorkspace('a')).toEqual(a);
      expect(await store.getWorkspace('nope')).toBeUndefined();
      await store.ping();
    });

    it('upserts: a later state replaces the earlier one, and the same batch twice leaves the same state', async () => {
      await store.saveWorkspaces([workspace('a'), workspace('b')]);
      const later = [workspace('a', { busyJoules: 99999, lastSeenSeconds: 1_790_007_200 }), workspace('b')];
      await store.saveWorkspaces(later);
      const once = await store.listWorkspaces();
      await store.saveWorkspaces(later);
      expect(await store.listWorkspaces()).toEqual(once);
      expect(once.map((s) => [s.id, s.busyJoules])).toEqual([
        ['a', 99999],
        ['b', 12000.125],
      ]);
    });

    it('loads only open (active or missing) workspaces and filters by status and site, ordered by id', async () => {
      await store.saveWorkspaces([
        workspace('c', { status: 'closed', closedAtSeconds: 1_790_009_000 }),
        workspace('b', { status: 'missing', site: 'clf' }),
        workspace('a'),
      ]);
      expect((await store.loadOpenWorkspaces()).map((s) => s.id)).toEqual(['a', 'b']);
      expect((await store.listWorkspaces({ status: ['closed'] })).map((s) => s.id)).toEqual(['c']);
      expect((await store.listWorkspaces({ site: 'clf' })).map((s) => s.id)).toEqual(['b']);
      expect((await store.listWorkspaces()).map((s) => s.id)).toEqual(['a', 'b', 'c']);
      await store.saveWorkspaces([]);
    });

    it('keeps hostile ids and labels exactly', async () => {
      const id = 'a"b\\c\n$where {x}.y 😀|1000';
      const s = workspace(id, { user: '$ne', project: 'p.q' });
      await store.saveWorkspaces([s]);
      expect(await store.getWorkspace(id)).toEqual(s);
    });
  });
}
