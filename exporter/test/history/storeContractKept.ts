/** The store contract, continued: the sums kept beside the rows (day rollups, machine averages) and pruning. */
import type { UsageStore } from '../../src/store/usage/types';
import { machineAveragesOf } from '../store/recount';
import { H0, hour } from './storeContract';

export function keptSumsContract(name: string, open: () => Promise<UsageStore>): void {
  describe(`usage store contract, kept sums and pruning: ${name}`, () => {
    let store: UsageStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    /** The averages recounted from every stored host row: what the kept sums must always equal. */
    const recounted = async () => {
      const all = { fromSeconds: 0, toSeconds: 4e9 };
      const rows = [
        ...(await store.rows({ level: 'host', key: 'h1', ...all })),
        ...(await store.rows({ level: 'host', key: 'h2', ...all })),
      ];
      return machineAveragesOf(rows);
    };

    it('keeps machine averages equal to a recount through re-writes, project-scoped writes and failed hours', async () => {
      await store.writeHours([0, 1, 2, 3, 26].map((i) => hour(H0 + i * 3600)));
      expect(await store.machineAverages()).toEqual(await recounted());
      await store.writeHours([hour(H0 + 3600, '*', 2), hour(H0 + 2 * 3600, 'IDAaaS', 3)]);
      await store.writeHours([{ ...hour(H0 + 3 * 3600, 'CDAaaS'), rows: [] }]); // CDAaaS had nothing that hour
      await store.writeHours([{ ...hour(H0 + 26 * 3600, '*'), status: 'failed', rows: [] }]);
      const avg = await store.machineAverages();
      expect(avg).toEqual(await recounted());
      // Muon (h1): Dec 31 and Jan 1 and Jan 2; Artemis (h2) lost its Jan 1 03:00 hour only
      expect(avg.map((a) => [a.machine, a.workspaceDays, a.workspaceHours])).toEqual([
        ['Artemis', 3, 4],
        ['Muon', 3, 5],
      ]);
      await store.writeHours([{ ...hour(H0 + 26 * 3600, '*'), rows: [] }]); // Jan 2 estimated as empty
      expect((await store.machineAverages()).map((a) => a.workspaceDays)).toEqual([2, 2]);
      expect(await store.machineAverages()).toEqual(await recounted());
    });

    it('prunes whole UTC days before the cut: rows, statuses and their share of the averages', async () => {
      const day2 = H0 + 26 * 3600; // 2026-01-02T00:00Z
      await store.writeHours([0, 1, 2, 26, 27].map((i) => hour(H0 + i * 3600)));
      await store.writeHours([
        { scope: '*', hourStartSeconds: H0 + 3 * 3600, status: 'failed', sumCheckRatio: null, rows: [] },
      ]);
      expect(await store.prune(day2 + 1800)).toEqual({ rows: 18, statuses: 4 });
      const f = { level: 'project' as const, key: 'IDAaaS', fromSeconds: 0, toSeconds: 4e9 };
      expect((await store.buckets(f, 'hour')).map((b) => b.startSeconds)).toEqual([day2, day2 + 3600]);
      expect((await store.hourStatuses(['*'], 0, 4e9)).map((s) => s.hourStartSeconds)).toEqual([day2, day2 + 3600]);
      expect(await store.machineAverages()).toEqual(await recounted());
      expect((await store.machineAverages()).map((a) => [a.workspaceDays, a.workspaceHours])).toEqual([
        [1, 2],
        [1, 2],
      ]);
      expect(await store.prune(day2)).toEqual({ rows: 0, statuses: 0 }); // idempotent; the cut's own day stays
      await store.writeHours([hour(H0)]); // an old hour can be written again after a prune
      expect((await store.buckets(f, 'day')).map((b) => b.busyCpuSeconds)).toEqual([100, 200]);
    });

    it('prunes sparse old data in one call: rows decades apart, then nothing left before the cut', async () => {
      await store.writeHours([hour(3600), hour(86400 * 400), hour(H0)]);
      const t0 = Date.now();
      expect(await store.prune(H0)).toEqual({ rows: 12, statuses: 2 });
      expect(Date.now() - t0).toBeLessThan(5000); // not a walk over the 20,000 days in between
      expect((await store.keys('host', 0, 4e9)).map((k) => k.name)).toEqual(['h1', 'h2']);
      expect(await store.keys('host', 0, H0)).toEqual([]);
      expect(await store.prune(H0 + 86400 * 2)).toEqual({ rows: 6, statuses: 1 });
      expect(await store.machineAverages()).toEqual([]);
      await store.writeHours([hour(H0 + 86400 * 3)]);
      expect(await store.machineAverages()).toEqual(await recounted());
    });

    it('reads whole days from rollups and partial days from hours alike, at any range edges', async () => {
      const hours = Array.from({ length: 60 }, (_, i) => H0 + i * 3600);
      await store.writeHours(hours.map((h, i) => hour(h, '*', 1 + (i % 5))));
      const rows = await store.rows({ level: 'user', key: 'alice', fromSeconds: 0, toSeconds: 4e9 });
      for (const [from, to] of [
        [H0 - 1, H0 + 60 * 3600],
        [H0 + 2 * 3600, H0 + 50 * 3600 + 1],
        [H0 + 5 * 3600, H0 + 29 * 3600],
        [H0 + 26 * 3600, H0 + 50 * 3600],
      ] as const) {
        const within = rows.filter((r) => r.hourStartSeconds >= from && r.hourStartSeconds < to);
        const f = { level: 'user' as const, key: 'alice', fromSeconds: from, toSeconds: to };
        const total = within.reduce((a, r) => a + r.busyJoules, 0);
        for (const g of ['hour', 'day', 'month', 'year'] as const) {
          expect((await store.buckets(f, g)).reduce((a, b) => a + b.busyJoules, 0)).toBeCloseTo(total, 6);
        }
        const [k] = await store.keys('user', from, to, 'IDAaaS');
        expect(k!.busyCpuSeconds).toBeCloseTo(
          within.filter((r) => r.project === 'IDAaaS').reduce((a, r) => a + r.busyCpuSeconds, 0),
          6
        );
        const split = await store.split(f, 'machine');
        expect(split.reduce((a, c) => a + c.runtimeSeconds!, 0)).toBeCloseTo(
          within.reduce((a, r) => a + r.runtimeSeconds!, 0),
          6
        );
      }
    });
  });
}
