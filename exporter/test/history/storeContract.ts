/** The usage-store contract: every adapter must pass it (SQLite always, MongoDB when MONGODB_URL is set). */
import type { HourResult, UsageRow } from '../../src/history/types';
import type { UsageStore } from '../../src/store/usage/types';

export const H0 = Date.UTC(2025, 11, 31, 22) / 1000; // 2025-12-31T22:00Z: spans a day, month and year boundary
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
export const hour = (h: number, scope = '*', scale = 1, status: HourResult['status'] = 'ok'): HourResult => ({
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

    it('concurrent writes of hours of the same days all land, as written one after another', async () => {
      // the backfill's chunks in flight write at once, and two chunks can share a UTC day (and its documents)
      const f = { level: 'host' as const, key: 'h1', fromSeconds: H0, toSeconds: H0 + 8 * 3600 };
      await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) => store.writeHours([hour(H0 + i * 3600, '*', i + 1)])));
      expect((await store.rows(f)).map((r) => r.busyCpuSeconds)).toEqual([100, 200, 300, 400, 500, 600, 700, 800]);
      expect((await store.buckets(f, 'day')).map((b) => b.busyCpuSeconds)).toEqual([300, 3300]);
      expect((await store.hourStatuses(['*'], H0, H0 + 8 * 3600)).map((s) => s.status)).toEqual(Array(8).fill('ok'));
      const averages = await store.machineAverages();
      expect(averages.find((a) => a.machine === 'Muon')?.workspaceDays).toBe(2);
    });

    it('keeps hostile keys exactly', async () => {
      const key = 'a"b\\c\n$where {x} 😀'.repeat(20);
      await store.writeHours([{ ...hour(H0), rows: [row('machine', key, 'P', key, H0)] }]);
      const rows = await store.rows({ level: 'machine', key, fromSeconds: H0, toSeconds: H0 + 3600 });
      expect(rows.map((r) => r.machine)).toEqual([key]);
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
