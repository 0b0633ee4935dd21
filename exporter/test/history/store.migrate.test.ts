/** A store file written before schema versions opens, migrates to the current user_version and keeps its rows. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../../src/store/migrate';
import { MIGRATIONS } from '../../src/store/schema';
import { openSqlite, SqliteWorkspaceStore, StoreOpenError } from '../../src/store/sqlite';
import { SqliteUsageStore } from '../../src/store/usage/sqlite';
import type { WorkspaceState } from '../../src/tracking/types';

const HOUR = Date.UTC(2026, 0, 1) / 1000;
const dirs: string[] = [];
const tempDir = (): string => {
  dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-migrate-')));
  return dirs[dirs.length - 1]!;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

// "Version 0": the layout main wrote before user_version, its version in a meta row (user_version 0).
const VERSION_0 = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    site TEXT NOT NULL,
    host TEXT NOT NULL,
    last_seen_seconds REAL NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX workspaces_status_site ON workspaces (status, site);
  CREATE TABLE history_usage (
    level TEXT NOT NULL, key TEXT NOT NULL, project TEXT NOT NULL, machine TEXT NOT NULL, hour_s INTEGER NOT NULL,
    busy_cpu REAL NOT NULL, idle_cpu REAL NOT NULL, busy_j REAL NOT NULL, idle_j REAL NOT NULL,
    busy_g REAL NOT NULL, idle_g REAL NOT NULL, fallback_g REAL NOT NULL,
    PRIMARY KEY (level, key, hour_s, project, machine)) WITHOUT ROWID;
  CREATE INDEX history_usage_hour ON history_usage (hour_s, project);
  CREATE TABLE history_hours (
    scope TEXT NOT NULL, hour_s INTEGER NOT NULL, status TEXT NOT NULL, error TEXT, sum_check_ratio REAL,
    estimated_at_s REAL NOT NULL, PRIMARY KEY (scope, hour_s)) WITHOUT ROWID;
  INSERT INTO meta (key, value) VALUES ('schema_version', '1');
`;

const workspace = {
  id: 'host-a|1767225000',
  job: 'node',
  instance: 'host-a:9100',
  site: 'isis',
  project: 'IDAaaS',
  machine: 'Muon',
  host: 'host-a',
  user: 'alice',
  startedAtSeconds: 1767225000,
  cpus: 4,
  firstSeenSeconds: HOUR,
  lastSeenSeconds: HOUR + 600,
  lastSampleSeconds: HOUR + 595,
  lastBusyCpuSeconds: 100,
  lastIdleCpuSeconds: 900,
  busyCpuSecondsTotal: 50,
  idleCpuSecondsTotal: 450,
  busyJoules: 5000,
  idleJoules: 9000,
  busyGrams: 0.3,
  idleGrams: 0.5,
  fallbackGrams: 0,
  powerWatts: 23.3,
  idlePowerWatts: 15,
  idleRatio: 0.9,
  status: 'active',
  partial: false,
} as unknown as WorkspaceState;

function writeVersion0(file: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(VERSION_0);
  db.prepare('INSERT INTO workspaces (id, status, site, host, last_seen_seconds, data) VALUES (?, ?, ?, ?, ?, ?)').run(
    workspace.id,
    workspace.status,
    workspace.site,
    workspace.host,
    workspace.lastSeenSeconds,
    JSON.stringify(workspace)
  );
  const usage = db.prepare('INSERT INTO history_usage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (const [level, key] of [
    ['site', 'isis'],
    ['project', 'IDAaaS'],
    ['user', 'alice'],
    ['host', 'host-a'],
  ]) {
    for (const h of [HOUR, HOUR + 3600]) usage.run(level, key, 'IDAaaS', 'Muon', h, 360, 3240, 36000, 54000, 2, 3, 0);
  }
  const hour = db.prepare('INSERT INTO history_hours VALUES (?, ?, ?, ?, ?, ?)');
  hour.run('*', HOUR, 'ok', null, 1, HOUR + 7200);
  hour.run('*', HOUR + 3600, 'ok', null, 0.999, HOUR + 7200);
  hour.run('*', HOUR + 7200, 'failed', 'Prometheus /api/v1/query_range: timed out after 30s', null, HOUR + 10800);
  expect(db.pragma('user_version', { simple: true })).toBe(0);
  db.close();
}

function layout(file: string): { version: number; objects: string[] } {
  const db = new Database(file, { readonly: true });
  try {
    const objects = (
      db
        .prepare("SELECT type || ' ' || name AS o FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY o")
        .all() as Array<{ o: string }>
    ).map((r) => r.o);
    return { version: db.pragma('user_version', { simple: true }) as number, objects };
  } finally {
    db.close();
  }
}

const CURRENT = [
  'index workspaces_status_site',
  'table history_carbon_slots',
  'table history_day_rows',
  'table history_hour_rows',
  'table history_hours',
  'table history_keys',
  'table history_machine_days',
  'table history_machine_metrics',
  'table history_names',
  'table workspaces',
];

async function expectRowsKept(file: string): Promise<void> {
  const ws = SqliteWorkspaceStore.open(file);
  expect(await ws.listWorkspaces()).toEqual([workspace]);
  expect(await ws.getWorkspace(workspace.id)).toEqual(workspace);
  await ws.close();
  const usage = SqliteUsageStore.open(file);
  const f = { level: 'user' as const, key: 'alice', fromSeconds: HOUR, toSeconds: HOUR + 86400 };
  expect(await usage.rows(f)).toHaveLength(2);
  expect(await usage.buckets(f, 'day')).toEqual([
    {
      startSeconds: HOUR,
      busyCpuSeconds: 720,
      idleCpuSeconds: 6480,
      busyJoules: 72000,
      idleJoules: 108000,
      busyGrams: 4,
      idleGrams: 6,
      fallbackGrams: 0,
      // rows from before runtime was kept: unknown, not zero
      runtimeSeconds: null,
    },
  ]);
  expect(
    (await usage.hourStatuses(['*'], HOUR, HOUR + 86400)).map((h) => [h.hourStartSeconds, h.status, h.error])
  ).toEqual([
    [HOUR, 'ok', undefined],
    [HOUR + 3600, 'ok', undefined],
    [HOUR + 7200, 'failed', 'Prometheus /api/v1/query_range: timed out after 30s'],
  ]);
  expect(await usage.keys('site', HOUR, HOUR + 86400)).toEqual([
    expect.objectContaining({ name: 'isis', busyGrams: 4 }),
  ]);
  await usage.close();
}

describe('SQLite schema versions (PRAGMA user_version)', () => {
  it('a version-0 file migrates to the current version without losing its workspaces, usage rows and hour statuses', async () => {
    const file = path.join(tempDir(), 'store.sqlite');
    writeVersion0(file);
    openSqlite(file).close();
    expect(layout(file)).toEqual({ version: MIGRATIONS.length, objects: CURRENT });
    await expectRowsKept(file);
  });

  it('opening again is a no-op: same version, same layout, same rows, and the file is still writable', async () => {
    const file = path.join(tempDir(), 'store.sqlite');
    writeVersion0(file);
    for (let i = 0; i < 3; i++) openSqlite(file).close();
    const usage = new SqliteUsageStore(openSqlite(file), true); // the usage store migrates a handed-in db too: nothing left to do
    await usage.close();
    expect(layout(file)).toEqual({ version: MIGRATIONS.length, objects: CURRENT });
    await expectRowsKept(file);
    const ws = SqliteWorkspaceStore.open(file);
    await ws.saveWorkspaces([{ ...workspace, id: 'host-b|1', host: 'host-b' }]);
    expect((await ws.listWorkspaces()).map((w) => w.id)).toEqual(['host-a|1767225000', 'host-b|1']);
    await ws.close();
  });

  it('an hour written after the runtime column came carries its runtime; a day mixing it with older hours has none', async () => {
    const file = path.join(tempDir(), 'store.sqlite');
    writeVersion0(file);
    const usage = SqliteUsageStore.open(file);
    const f = { level: 'user' as const, key: 'alice', fromSeconds: HOUR, toSeconds: HOUR + 86400 };
    const figures = { busyCpuSeconds: 360, idleCpuSeconds: 3240, busyJoules: 1, idleJoules: 1, busyGrams: 1 };
    await usage.writeHours([
      {
        scope: '*',
        hourStartSeconds: HOUR + 3 * 3600,
        status: 'ok',
        sumCheckRatio: 1,
        rows: [
          {
            level: 'user',
            key: 'alice',
            project: 'IDAaaS',
            machine: 'Muon',
            hourStartSeconds: HOUR + 3 * 3600,
            ...figures,
            idleGrams: 1,
            fallbackGrams: 0,
            runtimeSeconds: 90,
          },
        ],
      },
    ]);
    expect((await usage.rows(f)).map((r) => r.runtimeSeconds)).toEqual([null, null, 90]);
    expect((await usage.buckets(f, 'hour')).map((b) => b.runtimeSeconds)).toEqual([null, null, 90]);
    expect((await usage.buckets(f, 'day')).map((b) => b.runtimeSeconds)).toEqual([null]);
    await usage.close();
  });

  it('a version-3 file whose carbon slots and machine averages were made by their old classes keeps both', async () => {
    const file = path.join(tempDir(), 'store.sqlite');
    const db = new Database(file);
    migrate(db, MIGRATIONS.slice(0, 3));
    // the tables as the carbon cache and machine metrics classes created them before migration 4
    db.exec(`CREATE TABLE history_carbon_slots (
      area TEXT NOT NULL, from_s INTEGER NOT NULL, forecast REAL, actual REAL, fetched_at_s REAL NOT NULL,
      PRIMARY KEY (area, from_s));
      CREATE TABLE history_machine_metrics (
      machine TEXT PRIMARY KEY, workspace_days INTEGER NOT NULL, busy_kwh REAL NOT NULL, idle_kwh REAL NOT NULL,
      busy_g REAL NOT NULL, idle_g REAL NOT NULL, updated_at_s REAL NOT NULL);
      INSERT INTO history_carbon_slots VALUES ('national', ${HOUR}, 150, 142, ${HOUR + 90000});
      INSERT INTO history_machine_metrics VALUES ('Muon', 3, 1.5, 0.5, 200, 60, ${HOUR});`);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    db.close();
    const usage = SqliteUsageStore.open(file);
    expect(await usage.derived.carbonSlots('national', HOUR, HOUR + 1800)).toEqual([
      { fromSeconds: HOUR, forecast: 150, actual: 142, fetchedAtSeconds: HOUR + 90000 },
    ]);
    expect(await usage.derived.machineMetrics()).toEqual([
      {
        machine: 'Muon',
        workspaceDays: 3,
        busyKwh: 1.5,
        idleKwh: 0.5,
        busyGrams: 200,
        idleGrams: 60,
        updatedAtSeconds: HOUR,
      },
    ]);
    await usage.close();
    expect(layout(file)).toEqual({ version: MIGRATIONS.length, objects: CURRENT });
  });

  it('a new file is created at the current version', () => {
    const file = path.join(tempDir(), 'new.sqlite');
    openSqlite(file).close();
    expect(layout(file)).toEqual({ version: MIGRATIONS.length, objects: CURRENT });
  });

  it('applies only the missing migrations, in order, each bumping user_version; a failing one leaves the file as it was', () => {
    const db = new Database(':memory:');
    const ran: string[] = [];
    const step = (name: string) => (d: Database.Database) => {
      ran.push(`${name}@${d.pragma('user_version', { simple: true }) as number}`);
      d.exec(`CREATE TABLE ${name} (x)`);
    };
    migrate(db, [step('a'), step('b')]);
    migrate(db, [step('a'), step('b'), step('c')]);
    expect(ran).toEqual(['a@0', 'b@1', 'c@2']);
    expect(() =>
      migrate(db, [
        step('a'),
        step('b'),
        step('c'),
        step('d'),
        () => {
          throw new Error('boom');
        },
      ])
    ).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'd'").all()).toEqual([]);
    db.close();
  });

  it('a file from a newer ada-carbon is refused, naming the file', () => {
    const file = path.join(tempDir(), 'future.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openSqlite(file)).toThrow(StoreOpenError);
    expect(() => openSqlite(file)).toThrow(
      `cannot open the SQLite store ${file} (store.sqlite.path): schema version ${MIGRATIONS.length + 1} is newer`
    );
    expect(fs.existsSync(file)).toBe(true);
  });
});
