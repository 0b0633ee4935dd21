/**
 * MongoDB usage-store benchmark on FerretDB (tests/harness/ferretdb.ts): the synthetic fleet of storeFleet.ts in the
 * row layout before (one document per hour row, written with the driver as the store before wrote them, with its
 * indexes and kept per host-day counts) and in the compact key-day layout (written through MongoUsageStore.writeHours,
 * a day per call); then the row-layout database migrated by opening it with the store. Prints bytes per host-day,
 * counted as BSON size of every stored document (bson calculateObjectSize: what MongoDB's dataSize counts) over all
 * the store's collections, plus the index bytes FerretDB's collStats reports (its SQLite indexes), old against new
 * as ratios from one run; then the dashboard reads over 365 days (median and p99), old against new, where old reads
 * as the store before answered on FerretDB (rows fetched and summed client side, FerretDB lacks the operators).
 *   npx tsx exporter/bench/storeMongo.ts [hosts=200] [days=30] [projects=20] [machines=8] [repeats=11] [oldRepeats=1]
 * oldRepeats: runs of each read in the row layout, which FerretDB answers by scanning every row (seconds each).
 */
import { BSON, MongoClient, type Db, type Document } from 'mongodb';
import { startFerretDb } from '../../tests/harness/ferretdb';
import { createRowLayoutIndexes, rowDocOf } from '../../tests/harness/mongoRowLayout';
import { MongoUsageStore } from '../src/store/usage/mongodb';
import { bucketsOf, contributorsOf } from '../src/store/usage/mongoClientSide';
import { oldRowOf, type OldRowDoc } from '../src/store/usage/mongoMigrate';
import type { UsageRow } from '../src/history/types';
import { keyOfId, type DayDoc } from '../src/store/usage/mongoLayout';
import { LEVEL_IDS } from '../src/store/compactLayout';
import { dayResults, FLEET_START_SECONDS, hostName, projectName, SITE, type FleetShape } from './storeFleet';

const [hosts = 200, days = 30, projects = 20, machines = 8, repeats = 11, oldRepeats = 1] = process.argv
  .slice(2)
  .map(Number);
const shape: FleetShape = { hosts, days, projects, machines, hostsPerUser: 0 };
const FROM = FLEET_START_SECONDS;
const YEAR_TO = FROM + 365 * 86400;

const now = (): number => Number(process.hrtime.bigint()) / 1e6;
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)]!;

/** The row layout as the store before kept it: rows, statuses, per host-day counts and per machine-day sums. */
async function buildOld(db: Db): Promise<void> {
  const usage = db.collection<OldRowDoc>('history_usage');
  await createRowLayoutIndexes(db);
  const t = Date.now() / 1000;
  for (let d = 0; d < days; d++) {
    const results = dayResults(shape, d);
    await usage.insertMany(
      results.flatMap((r) => r.rows.map((x) => rowDocOf(x))),
      { ordered: false }
    );
    const day = FROM + d * 86400;
    const hostDays = new Map<string, { k: string; m: string; d: number; n: number }>();
    const machineDays = new Map<string, Record<string, number | string>>();
    const sums = ['bc', 'ic', 'bj', 'ij', 'bg', 'ig'] as const;
    for (const x of results.flatMap((r) => r.rows).filter((r) => r.level === 'host')) {
      const hd = hostDays.get(x.key) ?? { k: x.key, m: x.machine, d: day, n: 0 };
      hd.n++;
      hostDays.set(x.key, hd);
      const md = machineDays.get(x.machine) ?? {
        m: x.machine,
        d: day,
        w: 0,
        n: 0,
        bc: 0,
        ic: 0,
        bj: 0,
        ij: 0,
        bg: 0,
        ig: 0,
      };
      const v = [x.busyCpuSeconds, x.idleCpuSeconds, x.busyJoules, x.idleJoules, x.busyGrams, x.idleGrams];
      sums.forEach((f, i) => (md[f] = (md[f] as number) + v[i]!));
      md.n = (md.n as number) + 1;
      md.w = (md.w as number) + (hd.n === 1 ? 1 : 0);
      machineDays.set(x.machine, md);
    }
    await db.collection('history_host_days').insertMany([...hostDays.values()]);
    await db.collection('history_machine_days').insertMany([...machineDays.values()]);
    await db.collection('history_hours').insertMany(
      results.map((r) => ({
        scope: '*',
        hour_s: r.hourStartSeconds,
        status: 'ok',
        error: null,
        sum_check_ratio: 1,
        estimated_at_s: t,
      }))
    );
  }
  await db.collection('history_layout').insertOne({ _id: 'machine_days' as never, built_at_s: t });
}

interface Size {
  bson: number;
  index: number | undefined;
  docs: number;
}

/** BSON bytes of every document of the store's collections, and the index bytes collStats reports. */
async function sizeOf(db: Db): Promise<Size> {
  const out: Size = { bson: 0, index: 0, docs: 0 };
  for (const c of await db.listCollections().toArray()) {
    for await (const doc of db.collection(c.name).find({})) {
      out.bson += BSON.calculateObjectSize(doc);
      out.docs++;
    }
    const stats = (await db.command({ collStats: c.name })) as { totalIndexSize?: number };
    out.index =
      stats.totalIndexSize === undefined || out.index === undefined ? undefined : out.index + stats.totalIndexSize;
  }
  return out;
}

/** BSON bytes of the host-level key-day documents alone: per host-day the same at any fleet size. */
async function hostBytes(db: Db): Promise<number> {
  const hostKeys = new Set(
    (await db.collection('history_keys').find({ l: LEVEL_IDS.host }).toArray()).map((k) => k._id as unknown as number)
  );
  let bytes = 0;
  for await (const doc of db.collection<DayDoc>('history_usage_days').find({})) {
    if (hostKeys.has(keyOfId(doc._id))) bytes += BSON.calculateObjectSize(doc);
  }
  return bytes;
}

type Read = [name: string, old: () => Promise<unknown[]>, next: () => Promise<unknown[]>];

async function timeReads(old: Db, store: MongoUsageStore): Promise<string[][]> {
  const usage = old.collection<OldRowDoc>('history_usage');
  const rowsOf = async (match: Document): Promise<UsageRow[]> =>
    (await usage.find(match).sort({ hour_s: 1, project: 1, machine: 1 }).toArray()).map(oldRowOf);
  const year = { $gte: FROM, $lt: YEAR_TO };
  const site = { level: 'site' as const, key: SITE, fromSeconds: FROM, toSeconds: YEAR_TO };
  const hostTo = FROM + days * 86400;
  const host = { level: 'host' as const, key: hostName(7), fromSeconds: hostTo - 30 * 86400, toSeconds: hostTo };
  const reads: Read[] = [
    [
      'buckets(site, day, 365 d)',
      async () => bucketsOf(await rowsOf({ level: 'site', key: SITE, hour_s: year }), 'day'),
      () => store.buckets(site, 'day'),
    ],
    [
      'buckets(site, month, 365 d)',
      async () => bucketsOf(await rowsOf({ level: 'site', key: SITE, hour_s: year }), 'month'),
      () => store.buckets(site, 'month'),
    ],
    [
      'keys(project, 365 d)',
      async () => contributorsOf(await rowsOf({ level: 'project', hour_s: year }), (r) => r.key),
      () => store.keys('project', FROM, YEAR_TO),
    ],
    [
      'keys(user, 365 d, one project)',
      async () => contributorsOf(await rowsOf({ level: 'user', project: projectName(3), hour_s: year }), (r) => r.key),
      () => store.keys('user', FROM, YEAR_TO, projectName(3)),
    ],
    [
      'rows(host, 30 d)',
      () => rowsOf({ level: 'host', key: host.key, hour_s: { $gte: host.fromSeconds, $lt: host.toSeconds } }),
      () => store.rows(host),
    ],
  ];
  const out: string[][] = [];
  for (const [name, oldRead, newRead] of reads) {
    const [o, n] = [[] as number[], [] as number[]];
    const counts = [0, 0];
    for (let i = 0; i < Math.max(repeats, oldRepeats); i++) {
      let t = now();
      if (i < oldRepeats) {
        counts[0] = (await oldRead()).length;
        o.push(now() - t);
      }
      t = now();
      if (i < repeats) {
        counts[1] = (await newRead()).length;
        n.push(now() - t);
      }
    }
    const [om, nm] = [quantile(o, 0.5), quantile(n, 0.5)];
    out.push([name, om.toFixed(0), quantile(o, 0.99).toFixed(0), nm.toFixed(1), quantile(n, 0.99).toFixed(1)]);
    out[out.length - 1]!.push(`${(om / nm).toFixed(1)}x`, counts[0] === counts[1] ? 'yes' : `NO ${counts.join('/')}`);
  }
  return out;
}

function table(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
}

async function main(): Promise<void> {
  const ferret = await startFerretDb();
  const client = await new MongoClient(ferret.url).connect();
  try {
    const hostDays = hosts * days;
    let t = now();
    await buildOld(client.db('bench_old'));
    const oldMs = now() - t;
    const store = await MongoUsageStore.connect(ferret.url, 'bench_new');
    t = now();
    for (let d = 0; d < days; d++) await store.writeHours(dayResults(shape, d));
    const newMs = now() - t;
    const [oldSize, newSize] = [await sizeOf(client.db('bench_old')), await sizeOf(client.db('bench_new'))];
    t = now();
    const migrated = await MongoUsageStore.connect(ferret.url, 'bench_old');
    const migrateMs = now() - t;
    const migratedSize = await sizeOf(client.db('bench_old'));
    console.log(
      `MongoDB store on FerretDB 1.24.2: ${hosts} hosts x ${days} days (${hostDays} host-days), ${projects} projects, ` +
        `${machines} machine types, users unknown; bytes per host-day, all collections of the store`
    );
    const perHostDay = (x: number | undefined): string => (x === undefined ? 'n/a' : (x / hostDays).toFixed(0));
    const line = (name: string, s: Size, ms: number): string[] => [
      name,
      (ms / 1000).toFixed(0),
      String(s.docs),
      perHostDay(s.bson),
      perHostDay(s.index),
      perHostDay(s.bson + (s.index ?? 0)),
    ];
    table(
      ['layout', 'build s', 'documents', 'BSON B/host-day', 'index B/host-day (collStats)', 'total B/host-day'],
      [
        line('row layout (before)', oldSize, oldMs),
        line('key-day (writeHours)', newSize, newMs),
        line('key-day (migrated)', migratedSize, migrateMs),
      ]
    );
    console.log(
      `size ratio: BSON ${(oldSize.bson / newSize.bson).toFixed(1)}x smaller` +
        (oldSize.index !== undefined && newSize.index !== undefined
          ? `, with indexes ${((oldSize.bson + oldSize.index) / (newSize.bson + newSize.index)).toFixed(1)}x smaller`
          : '')
    );
    const host = await hostBytes(client.db('bench_new'));
    console.log(
      `key-day BSON: host-level documents ${perHostDay(host)} B/host-day (the same at any fleet size); the rest ` +
        `${perHostDay(newSize.bson - host)} B/host-day (rollup keys, statuses, machine days, dictionary: they grow ` +
        `with projects x machine types and hours, not hosts, so per host-day they shrink as the fleet grows)`
    );
    await migrated.close();
    // the old reads need the row layout: rebuilt (the migration consumed it)
    await client.db('bench_old').dropDatabase();
    await buildOld(client.db('bench_old'));
    const rows = await timeReads(client.db('bench_old'), store);
    console.log(
      `\nreads (ms; ${oldRepeats} runs before, ${repeats} key-day; other benches may share the machine: timings are noisy)`
    );
    table(['read', 'before p50', 'before p99', 'key-day p50', 'key-day p99', 'speed-up', 'same count'], rows);
    await store.close();
    if (rows.some((r) => r[6] !== 'yes') || Math.abs(migratedSize.bson - newSize.bson) > 0.02 * newSize.bson) {
      process.exitCode = 1;
    }
  } finally {
    await client.close();
    await ferret.close();
  }
}

void main();
