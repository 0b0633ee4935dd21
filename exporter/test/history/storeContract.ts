/** The usage-store contract: every adapter must pass it (SQLite always, MongoDB when MONGODB_URL is set). */
import type { HourResult, UsageRow } from '../../src/history/types';
import type { UsageStore } from '../../src/store/usage/types';
import { machineAveragesOf } from '../store/recount';

const H0 = Date.UTC(2025, 11, 31, 22) / 1000; // 2025-12-31T22:00Z: spans a day, month and year boundary
const row = (
  level: UsageRow['level'],
  key: string,
  project: string,
  machine: string,
  hour: number,
  scale = 1
): UsageRow => ({
  level,
  key,
  project,
  machine,
  hourStartSeconds: hour,
  busyCpuSeconds: 100 * scale,
  idleCpuSeconds: 900 * scale,
  busyJoules: 3.6e6 * scale,
  idleJoules: 1.8e6 * scale,
  busyGrams: 150 * scale,
  idleGrams: 75 * scale,
  fallbackGrams: 0,
  runtimeSeconds: 25 * scale,
});
const hour = (h: number, scope = '*', scale = 1, status: HourResult['status'] = 'ok'): HourResult => ({
  scope,
  hourStartSeconds: h,
  status,
  sumCheckRatio: 1,
  rows: [
    row('project', 'IDAaaS', 'IDAaaS', 'Muon', h, scale),
    row('project', 'CDAaaS', 'CDAaaS', 'Artemis', h, scale),
    row('user', 'alice', 'IDAaaS', 'Muon', h, scale),
    row('user', 'alice', 'CDAaaS', 'Artemis', h, scale),
    row('host', 'h1', 'IDAaaS', 'Muon', h, scale),
    row('host', 'h2', 'CDAaaS', 'Artemis', h, scale),
  ],
});

export function usageStoreContract(name: string, open: () => Promise<UsageStore>): void {
  describe(`usage store contract: ${name}`, () => {
    let store: UsageStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores hours and rolls them up by hour, day, month and year in UTC', async () => {
      await store.writeHours([0, 1, 2, 3].map((i) => hour(H0 + i * 3600)));
      const f = { level: 'project' as const, key: 'IDAaaS', fromSeconds: H0, toSeconds: H0 + 4 * 3600 };
      expect((await store.buckets(f, 'hour')).map((b) => b.startSeconds)).toEqual(
        [0, 1, 2, 3].map((i) => H0 + i * 3600)
      );
      const days = await store.buckets(f, 'day');
      expect(days.map((b) => [b.startSeconds, b.busyCpuSeconds])).toEqual([
        [H0 - 22 * 3600, 200],
        [H0 + 2 * 3600, 200],
      ]);
      const years = await store.buckets(f, 'year');
      expect(years.map((b) => [new Date(b.startSeconds * 1000).toISOString(), b.busyJoules])).toEqual([
        ['2025-01-01T00:00:00.000Z', 7.2e6],
        ['2026-01-01T00:00:00.000Z', 7.2e6],
      ]);
      const months = await store.buckets(f, 'month');
      expect(months.map((b) => new Date(b.startSeconds * 1000).toISOString().slice(0, 7))).toEqual([
        '2025-12',
        '2026-01',
      ]);
    });

    it('keeps runtime seconds per row and sums them in every rollup', async () => {
      await store.writeHours([0, 1, 2].map((i) => hour(H0 + i * 3600)));
      const f = { level: 'user' as const, key: 'alice', fromSeconds: H0, toSeconds: H0 + 3 * 3600 };
      expect((await store.rows(f)).map((r) => r.runtimeSeconds)).toEqual([25, 25, 25, 25, 25, 25]);
      expect((await store.buckets(f, 'day')).map((b) => b.runtimeSeconds)).toEqual([100, 50]);
      expect((await store.split(f, 'machine')).map((c) => [c.name, c.runtimeSeconds]).sort()).toEqual([
        ['Artemis', 75],
        ['Muon', 75],
      ]);
      expect((await store.keys('user', H0, H0 + 3 * 3600)).map((c) => c.runtimeSeconds)).toEqual([150]);
    });

    it('replaces an hour on re-write: a re-run never double counts', async () => {
      await store.writeHours([hour(H0)]);
      await store.writeHours([hour(H0, '*', 2)]);
      const [b] = await store.buckets({ level: 'user', key: 'alice', fromSeconds: H0, toSeconds: H0 + 3600 }, 'hour');
      expect(b!.busyCpuSeconds).toBe(400); // two projects x 100 x 2, not accumulated
    });

    it('a project-scoped write replaces only that project', async () => {
      await store.writeHours([hour(H0)]);
      await store.writeHours([hour(H0, 'IDAaaS', 3)]);
      const split = await store.split(
        { level: 'user', key: 'alice', fromSeconds: H0, toSeconds: H0 + 3600 },
        'project'
      );
      expect(Object.fromEntries(split.map((c) => [c.name, c.busyCpuSeconds]))).toEqual({ IDAaaS: 300, CDAaaS: 100 });
    });

    it('records failed hours without removing an estimate, and reports statuses per scope', async () => {
      await store.writeHours([
        hour(H0),
        { scope: '*', hourStartSeconds: H0 + 3600, status: 'failed', error: 'boom', sumCheckRatio: null, rows: [] },
      ]);
      await store.writeHours([
        { scope: '*', hourStartSeconds: H0, status: 'failed', error: 'later', sumCheckRatio: null, rows: [] },
      ]);
      const st = await store.hourStatuses(['*'], H0, H0 + 7200);
      expect(st.map((s) => [s.hourStartSeconds, s.status, s.error ?? null])).toEqual([
        [H0, 'ok', null],
        [H0 + 3600, 'failed', 'boom'],
      ]);
      expect((await store.rows({ level: 'host', key: 'h1', fromSeconds: H0, toSeconds: H0 + 7200 })).length).toBe(1);
      expect(await store.hourStatuses(['IDAaaS'], H0, H0 + 7200)).toEqual([]);
    });

    it('lists keys of a level, optionally within a project, and machine averages per workspace-day', async () => {
      await store.writeHours([hour(H0), hour(H0 + 3600)]);
      const users = await store.keys('user', H0, H0 + 7200);
      expect(users.map((u) => [u.name, u.busyCpuSeconds])).toEqual([['alice', 400]]);
      const inProject = await store.keys('project', H0, H0 + 7200, 'CDAaaS');
      expect(inProject.map((u) => u.name)).toEqual(['CDAaaS']);
      const avg = await store.machineAverages();
      expect(avg).toEqual([
        expect.objectContaining({ machine: 'Artemis', workspaceDays: 1, busyKwhPerWorkspaceDay: 2 }),
        expect.objectContaining({ machine: 'Muon', workspaceDays: 1, busyGramsPerWorkspaceDay: 300 }),
      ]);
    });

    it('lists only the keys with usage in the range and project, each summed over that range only', async () => {
      const users = (h: number, names: string[], project: string, scale: number): HourResult => ({
        scope: project,
        hourStartSeconds: h,
        status: 'ok',
        sumCheckRatio: 1,
        rows: names.map((n) => row('user', n, project, 'Muon', h, scale)),
      });
      await store.writeHours([
        users(H0 - 3600, ['amy', 'bob', 'cat'], 'IDAaaS', 5), // before the range
        users(H0, ['bob', 'dan'], 'IDAaaS', 1),
        users(H0 + 3600, ['bob'], 'IDAaaS', 2),
        users(H0, ['eve'], 'CDAaaS', 1),
        users(H0 + 3600, ['bob'], 'CDAaaS', 7),
        users(H0 + 7200, ['zed', 'bob'], 'IDAaaS', 9), // after the range
      ]);
      const sums = (list: Array<{ name: string; busyCpuSeconds: number }>) =>
        Object.fromEntries(list.map((c) => [c.name, c.busyCpuSeconds]));
      expect(sums(await store.keys('user', H0, H0 + 7200, 'IDAaaS'))).toEqual({ bob: 300, dan: 100 });
      expect(sums(await store.keys('user', H0, H0 + 7200))).toEqual({ bob: 1000, dan: 100, eve: 100 });
      expect(await store.keys('user', H0 + 3 * 3600, H0 + 4 * 3600)).toEqual([]);
      expect(await store.keys('machine', H0, H0 + 7200)).toEqual([]);
    });

    it('writing the same batch twice leaves the same state', async () => {
      const batch = [
        hour(H0),
        hour(H0 + 3600, 'IDAaaS', 2),
        { ...hour(H0 + 7200), status: 'failed' as const, rows: [] },
      ];
      await store.writeHours(batch);
      const f = { level: 'user' as const, key: 'alice', fromSeconds: H0, toSeconds: H0 + 3 * 3600 };
      const before = { rows: await store.rows(f), st: await store.hourStatuses(['*', 'IDAaaS'], H0, H0 + 3 * 3600) };
      await store.writeHours(batch);
      const after = { rows: await store.rows(f), st: await store.hourStatuses(['*', 'IDAaaS'], H0, H0 + 3 * 3600) };
      expect(after.rows).toEqual(before.rows);
      expect(after.st.map((s) => [s.scope, s.hourStartSeconds, s.status])).toEqual(
        before.st.map((s) => [s.scope, s.hourStartSeconds, s.status])
      );
    });

    it('keeps hostile keys exactly', async () => {
      const key = 'a"b\\c\n$where {x} 😀'.repeat(20);
      await store.writeHours([{ ...hour(H0), rows: [row('machine', key, 'P', key, H0)] }]);
      const rows = await store.rows({ level: 'machine', key, fromSeconds: H0, toSeconds: H0 + 3600 });
      expect(rows.map((r) => r.machine)).toEqual([key]);
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

    it('caches carbon slots per area: upsert by start, read by [from, to) in order', async () => {
      const slot = (i: number, actual: number | null, fetched = H0 + 99) => ({
        fromSeconds: H0 + i * 1800,
        forecast: 100 + i,
        actual,
        fetchedAtSeconds: fetched,
      });
      await store.derived.putCarbonSlots('national', [slot(2, null), slot(0, 90), slot(1, null)]);
      await store.derived.putCarbonSlots('regional', [slot(0, null)]);
      await store.derived.putCarbonSlots('national', [slot(1, 95, H0 + 200)]); // settles
      await store.derived.putCarbonSlots('national', [slot(1, 95, H0 + 200)]); // the same write again
      expect(await store.derived.carbonSlots('national', H0, H0 + 3 * 1800)).toEqual([
        slot(0, 90),
        slot(1, 95, H0 + 200),
        slot(2, null),
      ]);
      expect(await store.derived.carbonSlots('national', H0 + 1800, H0 + 3600)).toEqual([slot(1, 95, H0 + 200)]);
      expect(await store.derived.carbonSlots('regional', H0, H0 + 86400)).toEqual([slot(0, null)]);
      expect(await store.derived.carbonSlots('national', H0 - 86400, H0)).toEqual([]);
    });

    it('replaces the machine averages as a whole, by machine name', async () => {
      const m = (machine: string, days: number, at = H0) => ({
        machine,
        workspaceDays: days,
        busyKwh: days * 1.5,
        idleKwh: 0.25,
        busyGrams: 200,
        idleGrams: 30,
        updatedAtSeconds: at,
      });
      expect(await store.derived.machineMetrics()).toEqual([]);
      await store.derived.replaceMachineMetrics([m('SANS', 1), m('Muon', 2)]);
      expect(await store.derived.machineMetrics()).toEqual([m('Muon', 2), m('SANS', 1)]);
      await store.derived.replaceMachineMetrics([m('Muon', 5, H0 + 3600), m('Artemis (Matlab)', 1, H0 + 3600)]);
      expect(await store.derived.machineMetrics()).toEqual([
        m('Artemis (Matlab)', 1, H0 + 3600),
        m('Muon', 5, H0 + 3600),
      ]);
      await store.derived.replaceMachineMetrics([]);
      expect(await store.derived.machineMetrics()).toEqual([]);
    });
  });
}
