/**
 * Usage-store benchmark at year scale: the same synthetic fleet (storeFleet.ts) in the current layout (written
 * through SqliteUsageStore.writeHours, a day per call) and in the layout before (schema version 4, built with the
 * first four migrations, the same rows copied in key order). Prints bytes per host-day after VACUUM, the dashboard reads
 * over 365 days (median and p99) and machineAverages(), old against new, as ratios from one run.
 *   npx tsx exporter/bench/storeReads.ts [hosts=2000] [days=365] [hostsPerUser=0] [projects=20] [machines=8] [migrate=0]
 * migrate 1: also times migration 5 on the v4 file (what opening an existing store costs once after the upgrade).
 * hostsPerUser 0: users unknown (the shape the issue's 5.3 KB per host-day was measured on); 4: a user per 4 hosts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../src/store/migrate';
import { MIGRATIONS } from '../src/store/schema';
import { SqliteUsageStore } from '../src/store/usage/sqlite';
import { LEVEL_IDS, SCALES } from '../src/store/compactLayout';
import { dayResults, FLEET_START_SECONDS, hostName, projectName, SITE, type FleetShape } from './storeFleet';

const [hosts = 2000, days = 365, hostsPerUser = 0, projects = 20, machines = 8, timeMigration = 0] = process.argv
  .slice(2)
  .map(Number);
const shape: FleetShape = { hosts, days, projects, machines, hostsPerUser };
const REPEATS = 21;
const FROM = FLEET_START_SECONDS;
const TO = FROM + days * 86400;

// The reads of the layout before, as the store answered them then: kept here as the baseline.
const OLD_SUMS = `SUM(busy_cpu) AS busyCpuSeconds, SUM(idle_cpu) AS idleCpuSeconds, SUM(busy_j) AS busyJoules,
  SUM(idle_j) AS idleJoules, SUM(busy_g) AS busyGrams, SUM(idle_g) AS idleGrams, SUM(fallback_g) AS fallbackGrams,
  CASE WHEN COUNT(runtime_s) = COUNT(*) THEN SUM(runtime_s) END AS runtimeSeconds`;
const OLD = {
  keys: `WITH RECURSIVE k(key) AS (
      SELECT (SELECT MIN(key) FROM history_usage WHERE level = @level)
      UNION ALL SELECT (SELECT MIN(key) FROM history_usage WHERE level = @level AND key > k.key) FROM k WHERE k.key IS NOT NULL)
    SELECT h.key AS name, ${OLD_SUMS} FROM k CROSS JOIN history_usage h
    WHERE h.level = @level AND h.key = k.key AND h.hour_s >= @from AND h.hour_s < @to AND h.project = @project
    GROUP BY h.key`,
  day: `SELECT hour_s - (hour_s % 86400) AS startSeconds, ${OLD_SUMS} FROM history_usage
    WHERE level = @level AND key = @key AND hour_s >= @from AND hour_s < @to GROUP BY startSeconds ORDER BY startSeconds`,
  month: `SELECT CAST(strftime('%s', hour_s, 'unixepoch', 'start of month') AS INTEGER) AS startSeconds, ${OLD_SUMS}
    FROM history_usage WHERE level = @level AND key = @key AND hour_s >= @from AND hour_s < @to
    GROUP BY startSeconds ORDER BY startSeconds`,
  rows: `SELECT * FROM history_usage WHERE level = @level AND key = @key AND hour_s >= @from AND hour_s < @to
    ORDER BY hour_s, project, machine`,
  averages: `SELECT machine, COUNT(*) AS days, SUM(n) AS hours, SUM(bj) AS bj FROM (
      SELECT machine, key, hour_s - (hour_s % 86400) AS day, COUNT(*) AS n, SUM(busy_j) AS bj
      FROM history_usage WHERE level = 'host' GROUP BY machine, key, day) GROUP BY machine ORDER BY machine`,
};

const now = (): number => Number(process.hrtime.bigint()) / 1e6;
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)]!;

/** The same rows in the version-4 layout, copied from the compact file key by key (each key's hours in order). */
function buildOld(file: string, from: string): number {
  const db = new Database(file);
  migrate(db, MIGRATIONS.slice(0, 4));
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  const t0 = now();
  db.prepare('ATTACH ? AS n').run(from);
  const level = `CASE k.level ${Object.entries(LEVEL_IDS)
    .map(([name, id]) => `WHEN ${id} THEN '${name}'`)
    .join(' ')} END`;
  const base = (col: string, unit: keyof typeof SCALES): string => `r.${col} / ${SCALES[unit].toFixed(1)}`;
  db.exec(`DROP INDEX history_usage_hour;
    INSERT INTO history_usage SELECT ${level}, k.name, p.name, m.name, r.hour * 3600, ${base('busy_cpu_ms', 'cpu')},
      ${base('idle_cpu_ms', 'cpu')}, ${base('busy_mj', 'joules')}, ${base('idle_mj', 'joules')},
      ${base('busy_ng', 'grams')}, ${base('idle_ng', 'grams')}, ${base('fallback_ng', 'grams')},
      ${base('runtime_ms', 'runtime')}
    FROM n.history_keys k CROSS JOIN n.history_hour_rows r ON r.key = k.id
    JOIN n.history_names p ON p.id = r.project JOIN n.history_names m ON m.id = r.machine
    ORDER BY k.level, k.name;
    CREATE INDEX history_usage_hour ON history_usage (hour_s, project);
    DETACH n;`);
  const ms = now() - t0;
  db.exec('VACUUM');
  db.close();
  return ms;
}

async function buildNew(file: string): Promise<number> {
  const store = SqliteUsageStore.open(file);
  const t0 = now();
  for (let d = 0; d < days; d++) await store.writeHours(dayResults(shape, d));
  const ms = now() - t0;
  store.db.exec('VACUUM');
  await store.close();
  return ms;
}

type Read = [name: string, old: () => unknown, next: () => Promise<unknown>];

async function timeReads(oldDb: Database.Database, store: SqliteUsageStore): Promise<string[][]> {
  const year = { from: FROM, to: TO };
  const site = { level: 'site' as const, key: SITE, fromSeconds: FROM, toSeconds: TO };
  const host = { level: 'host' as const, key: hostName(7), fromSeconds: TO - 30 * 86400, toSeconds: TO };
  const reads: Read[] = [
    [
      `keys(user, ${days} d, one project)`,
      () => oldDb.prepare(OLD.keys).all({ level: 'user', project: projectName(3), ...year }),
      () => store.keys('user', FROM, TO, projectName(3)),
    ],
    [
      `buckets(site, day, ${days} d)`,
      () => oldDb.prepare(OLD.day).all({ level: 'site', key: SITE, ...year }),
      () => store.buckets(site, 'day'),
    ],
    [
      `buckets(site, month, ${days} d)`,
      () => oldDb.prepare(OLD.month).all({ level: 'site', key: SITE, ...year }),
      () => store.buckets(site, 'month'),
    ],
    [
      'rows(host, 30 d)',
      () => oldDb.prepare(OLD.rows).all({ level: 'host', key: host.key, from: host.fromSeconds, to: host.toSeconds }),
      () => store.rows(host),
    ],
    ['machineAverages()', () => oldDb.prepare(OLD.averages).all(), () => store.machineAverages()],
  ];
  const out: string[][] = [];
  for (const [name, old, next] of reads) {
    const repeats = name === 'machineAverages()' ? 3 : REPEATS;
    const o: number[] = [];
    const n: number[] = [];
    let oldCount = 0;
    let newCount = 0;
    for (let i = 0; i < repeats; i++) {
      let t = now();
      oldCount = (old() as unknown[]).length;
      o.push(now() - t);
      t = now();
      newCount = ((await next()) as unknown[]).length;
      n.push(now() - t);
    }
    const [om, nm] = [quantile(o, 0.5), quantile(n, 0.5)];
    out.push([name, om.toFixed(1), quantile(o, 0.99).toFixed(1), nm.toFixed(2), quantile(n, 0.99).toFixed(2)]);
    out[out.length - 1]!.push(`${(om / nm).toFixed(0)}x`, oldCount === newCount ? 'yes' : `NO ${oldCount}/${newCount}`);
  }
  return out;
}

function table(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-store-bench-'));
  try {
    const oldFile = path.join(dir, 'old.sqlite');
    const newFile = path.join(dir, 'new.sqlite');
    const hostDays = hosts * days;
    const newMs = await buildNew(newFile);
    const oldMs = buildOld(oldFile, newFile);
    const oldBytes = fs.statSync(oldFile).size;
    const newBytes = fs.statSync(newFile).size;
    console.log(
      `store: ${hosts} hosts x ${days} days (${hostDays} host-days), ${projects} projects, ${machines} machine types, ` +
        (hostsPerUser > 0 ? `a user per ${hostsPerUser} hosts` : 'users unknown')
    );
    table(
      ['layout', 'build s', 'file MB (after VACUUM)', 'bytes per host-day'],
      [
        [
          'v4 (text, REAL; copied)',
          (oldMs / 1000).toFixed(0),
          (oldBytes / 1e6).toFixed(0),
          (oldBytes / hostDays).toFixed(0),
        ],
        ['compact', (newMs / 1000).toFixed(0), (newBytes / 1e6).toFixed(0), (newBytes / hostDays).toFixed(0)],
      ]
    );
    console.log(`size ratio: ${(oldBytes / newBytes).toFixed(1)}x smaller`);
    const oldDb = new Database(oldFile, { readonly: true });
    const store = SqliteUsageStore.open(newFile);
    const rows = await timeReads(oldDb, store);
    table(['read', 'v4 p50 ms', 'v4 p99 ms', 'compact p50 ms', 'compact p99 ms', 'speed-up', 'same count'], rows);
    oldDb.close();
    await store.close();
    if (timeMigration) {
      const t0 = now();
      await SqliteUsageStore.open(oldFile).close();
      console.log(`migration 5 of the v4 file: ${((now() - t0) / 1000).toFixed(1)} s`);
    }
    if (rows.some((r) => r[6] !== 'yes')) process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
