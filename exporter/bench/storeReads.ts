/**
 * Usage-store read benchmark: the summary's top contributors (`SqliteUsageStore.keys`) over a year of user-level rows,
 * against the plain `GROUP BY key` over the level (the query it replaced), on the same file in one run.
 *   npx tsx exporter/bench/storeReads.ts [users=400] [days=365] [projects=20]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteUsageStore } from '../src/store/usage/sqlite';

const [users = 400, days = 365, projects = 20] = process.argv.slice(2).map(Number);
const START = Date.UTC(2025, 0, 1) / 1000;
const REPEATS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timed<T>(fn: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const out = fn();
  return [out, Number(process.hrtime.bigint() - t0) / 1e6];
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-store-bench-'));
  const db = new Database(path.join(dir, 'usage.sqlite'));
  const store = new SqliteUsageStore(db);
  const ins = db.prepare('INSERT INTO history_usage VALUES (?, ?, ?, ?, ?, 1, 9, 3600, 1800, 0.2, 0.1, 0)');
  const [, buildMs] = timed(() =>
    db.transaction(() => {
      for (let h = 0; h < days * 24; h++) {
        for (let u = 0; u < users; u++) ins.run('user', `user${u}`, `project${u % projects}`, 'm4', START + h * 3600);
      }
    })()
  );
  console.log(
    `${users} users x ${days} days: ${users * days * 24} user rows written in ${(buildMs / 1000).toFixed(1)} s`
  );
  // the replaced query, kept here as the baseline
  const scan = db.prepare(`SELECT key AS name, SUM(busy_cpu) AS busyCpuSeconds FROM history_usage
    WHERE level = 'user' AND hour_s >= ? AND hour_s < ? AND project = ? GROUP BY key`);

  const mid = START + Math.floor(days / 2) * 86400;
  const ranges: Array<[string, number, number]> = [
    ['1 day', mid, mid + 86400],
    ['30 days', mid, mid + 30 * 86400],
    [`${days} days`, START, START + days * 86400],
  ];
  const rows: string[][] = [];
  for (const [name, from, to] of ranges) {
    const scanMs: number[] = [];
    const keyedMs: number[] = [];
    let agree = true;
    for (let i = 0; i < REPEATS; i++) {
      const [a, ta] = timed(() => scan.all(from, to, 'project3') as Array<{ name: string; busyCpuSeconds: number }>);
      const t0 = process.hrtime.bigint();
      const b = await store.keys('user', from, to, 'project3');
      keyedMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      scanMs.push(ta);
      const want = new Map(a.map((r) => [r.name, r.busyCpuSeconds]));
      agree &&= b.length === a.length && b.every((r) => want.get(r.name) === r.busyCpuSeconds);
    }
    rows.push([
      name,
      median(scanMs).toFixed(1),
      median(keyedMs).toFixed(1),
      (median(scanMs) / median(keyedMs)).toFixed(1) + 'x',
      agree ? 'yes' : 'NO',
    ]);
  }
  const head = ['range (one project)', 'GROUP BY scan ms', 'keys() ms', 'speed-up', 'same result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  if (rows.some((r) => r[4] !== 'yes')) process.exitCode = 1;
}

void main();
