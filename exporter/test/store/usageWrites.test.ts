/** SQLite usage writes: a long batch goes in whole-hour transactions with turns of the event loop between them. */
import { SqliteUsageStore } from '../../src/store/usage/sqlite';
import type { HourResult, UsageRow } from '../../src/history/types';

const H0 = Date.UTC(2026, 0, 1) / 1000;
const hostRow = (i: number, h: number): UsageRow => ({
  level: 'host',
  key: `host-${i}`,
  project: 'P',
  machine: 'M',
  hourStartSeconds: h,
  busyCpuSeconds: 1,
  idleCpuSeconds: 2,
  busyJoules: 3,
  idleJoules: 4,
  busyGrams: 0.5,
  idleGrams: 0.25,
  fallbackGrams: 0,
  runtimeSeconds: 3600,
});

describe('SQLite usage writes', () => {
  it('writes a batch of many hours in slices, letting timers run between them, with every hour stored', async () => {
    const store = SqliteUsageStore.open(':memory:');
    const batch: HourResult[] = Array.from({ length: 24 }, (_, i) => ({
      scope: '*',
      hourStartSeconds: H0 + i * 3600,
      status: 'ok',
      sumCheckRatio: 1,
      rows: Array.from({ length: 1500 }, (_, n) => hostRow(n, H0 + i * 3600)),
    }));
    let turns = 0;
    const tick = setInterval(() => turns++, 0);
    try {
      await store.writeHours(batch);
    } finally {
      clearInterval(tick);
    }
    expect(turns).toBeGreaterThanOrEqual(10); // one slice per hour here (1,500 rows each)
    expect((await store.hourStatuses(['*'], H0, H0 + 86400)).length).toBe(24);
    const [avg] = await store.machineAverages();
    expect(avg).toMatchObject({ machine: 'M', workspaceDays: 1500, workspaceHours: 24 * 1500 });
    await store.close();
  });
});
