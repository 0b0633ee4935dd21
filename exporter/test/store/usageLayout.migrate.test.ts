/**
 * A store file in the layout before the compact one (schema version 4: text columns, REAL figures) migrates without
 * loss: every rollup the store answers afterwards equals the same rollup summed from the old file's rows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../../src/store/migrate';
import { MIGRATIONS } from '../../src/store/schema';
import { SqliteUsageStore } from '../../src/store/usage/sqlite';
import { bucketsOf, contributorsOf } from '../../src/store/usage/mongoClientSide';
import { machineAveragesOf } from './recount';
import { GRANULARITIES } from '../../src/store/usage/types';
import { LEVELS, type UsageRow } from '../../src/history/types';

const H0 = Date.UTC(2025, 11, 30, 20) / 1000; // crosses two day, a month and a year boundary
const HOURS = 60;
let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-layout-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Old rows: figures with at most three decimals (what the layout keeps exactly); early rows lack a runtime. */
function oldRows(): UsageRow[] {
  const rows: UsageRow[] = [];
  const machines = ['Muon', 'Artemis (Matlab)', 'SANS "x"'];
  for (let i = 0; i < HOURS; i++) {
    const h = H0 + i * 3600;
    for (let n = 0; n < 6; n++) {
      const project = n % 2 === 0 ? 'IDAaaS' : 'CDAaaS';
      const machine = machines[(n + Math.floor(i / 30)) % 3]!; // host machine types change halfway
      const f = (x: number): number => Math.round(x * (1 + ((i * 7 + n * 13) % 17) / 10) * 1000) / 1000;
      const figures = {
        busyCpuSeconds: f(101.125),
        idleCpuSeconds: f(3000.5),
        busyJoules: f(123456.789),
        idleJoules: f(65432.1),
        busyGrams: f(12.345),
        idleGrams: f(6.5),
        fallbackGrams: i % 11 === 0 ? f(1.25) : 0,
        runtimeSeconds: i < 10 ? null : f(3599.999),
      };
      const base = { project, machine, hourStartSeconds: h, ...figures };
      rows.push({ level: 'host', key: `host-${n}`, ...base });
      if (i % 3 !== n % 3) rows.push({ level: 'user', key: n === 5 ? 'bob\n😀' : `user-${n % 3}`, ...base });
      if (n < 2) {
        for (const level of ['site', 'project', 'machine', 'experiment'] as const) {
          const key = level === 'site' ? 'isis' : level === 'project' ? project : level === 'machine' ? machine : 'x1';
          rows.push({ level, key, ...base });
        }
      }
    }
  }
  return rows;
}

function writeVersion4(file: string, rows: readonly UsageRow[]): void {
  const db = new Database(file);
  migrate(db, MIGRATIONS.slice(0, 4));
  const ins = db.prepare('INSERT INTO history_usage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const r of rows) {
      ins.run(
        r.level,
        r.key,
        r.project,
        r.machine,
        r.hourStartSeconds,
        r.busyCpuSeconds,
        r.idleCpuSeconds,
        r.busyJoules,
        r.idleJoules,
        r.busyGrams,
        r.idleGrams,
        r.fallbackGrams,
        r.runtimeSeconds
      );
    }
  })();
  db.prepare('INSERT INTO history_hours VALUES (?, ?, ?, ?, ?, ?)').run('*', H0, 'ok', null, 0.98, H0 + 7200);
  db.close();
}

/** Same numbers to 1e-9 relative (the old sums were float sums in another order); same keys and nulls. */
function expectSame(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Math.abs(actual - expected) > 1e-9 * Math.max(1, Math.abs(expected))) {
      throw new Error(`${where}: ${actual} != ${expected}`);
    }
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort()).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected))
      expectSame((actual as Record<string, unknown>)[k], v, `${where}.${k}`);
    return;
  }
  expect({ where, value: actual }).toEqual({ where, value: expected });
}

describe('migration to the compact usage layout', () => {
  it('keeps every row, rollup, key list, split and machine average of a version-4 file', async () => {
    const rows = oldRows();
    const file = path.join(dir, 'v4.sqlite');
    writeVersion4(file, rows);
    const store = SqliteUsageStore.open(file);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const ranges = [
        [0, 4e9],
        [H0 + 5 * 3600, H0 + 41 * 3600],
        [H0 + 4 * 3600, H0 + 28 * 3600],
      ] as const;
      for (const level of LEVELS) {
        const keys = [...new Set(rows.filter((r) => r.level === level).map((r) => r.key))];
        for (const [from, to] of ranges) {
          const inRange = rows.filter((r) => r.hourStartSeconds >= from && r.hourStartSeconds < to);
          const ofLevel = inRange.filter((r) => r.level === level);
          expectSame(
            await store.keys(level, from, to),
            contributorsOf(ofLevel, (r) => r.key),
            `keys ${level}`
          );
          expectSame(
            await store.keys(level, from, to, 'CDAaaS'),
            contributorsOf(
              ofLevel.filter((r) => r.project === 'CDAaaS'),
              (r) => r.key
            ),
            `keys ${level} CDAaaS`
          );
          for (const key of keys) {
            const mine = ofLevel.filter((r) => r.key === key);
            const f = { level, key, fromSeconds: from, toSeconds: to };
            const byHour = (a: UsageRow, b: UsageRow): number =>
              a.hourStartSeconds - b.hourStartSeconds ||
              (a.project < b.project ? -1 : a.project > b.project ? 1 : 0) ||
              (a.machine < b.machine ? -1 : 1);
            expectSame(await store.rows(f), [...mine].sort(byHour), `rows ${level} ${key}`);
            for (const g of GRANULARITIES) expectSame(await store.buckets(f, g), bucketsOf(mine, g), `${g} ${key}`);
            for (const by of ['project', 'machine'] as const) {
              expectSame(
                await store.split(f, by),
                contributorsOf(mine, (r) => r[by]),
                `split ${by} ${key}`
              );
            }
          }
        }
      }
      const averages = await store.machineAverages();
      expect(averages.map((a) => a.machine)).toEqual(['Artemis (Matlab)', 'Muon', 'SANS "x"']);
      expectSame(averages, machineAveragesOf(rows.filter((r) => r.level === 'host')), 'machine averages');
      expect((await store.hourStatuses(['*'], 0, 4e9)).map((s) => [s.hourStartSeconds, s.sumCheckRatio])).toEqual([
        [H0, 0.98],
      ]);
    } finally {
      await store.close();
    }
  });

  it('figures are kept to a thousandth of their unit (grams to a billionth); runtime stays unknown where it was', async () => {
    const file = path.join(dir, 'fine.sqlite');
    const row: UsageRow = {
      level: 'host',
      key: 'h',
      project: 'P',
      machine: 'M',
      hourStartSeconds: H0,
      busyCpuSeconds: 0.0004,
      idleCpuSeconds: 1.0006,
      busyJoules: 1e12 + 0.25,
      idleJoules: -2.5,
      busyGrams: 1 / 3,
      idleGrams: 0,
      fallbackGrams: 0,
      runtimeSeconds: null,
    };
    writeVersion4(file, [row]);
    const store = SqliteUsageStore.open(file);
    const [r] = await store.rows({ level: 'host', key: 'h', fromSeconds: 0, toSeconds: 4e9 });
    expect(r).toEqual({ ...row, busyCpuSeconds: 0, idleCpuSeconds: 1.001, busyGrams: 0.333333333, idleJoules: -2.5 });
    await store.close();
  });
});
