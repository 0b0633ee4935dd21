// Usage history in MongoDB (production at Ada): same rows and semantics as the SQLite adapter, in the compact key-day
// layout of mongoLayout.ts (a store in the row layout before it is migrated when first connected).
import { MongoClient, type Collection, type Db, type Document } from 'mongodb';
import pLimit from 'p-limit';
import { MongoDerivedStore } from './mongoDerived';
import type { HourResult, HourStatusRecord, Level, UsageRow } from '../../history/types';
import { MongoMachineDays } from './mongoAverages';
import { applyResults, KeyDays, machineDeltas, statusOps, type StatusDoc } from './mongoWrite';
import { MongoDictionary } from './mongoDictionary';
import { decodeCells, docId, hoursIn, keyOfId, LAYOUT_VERSION, type DayDoc } from './mongoLayout';
import { bucketOf, figuresOf, groupSums, hourRange, visitHours } from './mongoReads';
import { migrateRows, oldCollections } from './mongoMigrate';
import {
  UsageStoreError,
  type Bucket,
  type Contributor,
  type Granularity,
  type MachineAverage,
  type PruneResult,
  type UsageFilter,
  type UsageStore,
} from './types';

/** Above this many keys of a level, keys() reads the range's documents of every level instead of one range per key. */
const KEY_RANGES_MAX = 200;

export class MongoUsageStore implements UsageStore {
  readonly kind = 'mongodb' as const;
  private indexes: Promise<void> | undefined;
  readonly derived: MongoDerivedStore;
  private readonly machineDays: MongoMachineDays;
  private readonly dict: MongoDictionary;
  private readonly days: Collection<DayDoc>;
  private readonly hours: Collection<StatusDoc>;
  private readonly layout: Collection<{ _id: string; v?: number }>;
  /**
   * Writes and prunes one at a time: each reads the day documents it changes and writes them back with the machine
   * sums, so two at once on one day (the backfill's chunks in flight share UTC days) would race: both upsert the same
   * new document (E11000, the run fails) or apply sums from the same old state.
   */
  private readonly oneWrite = pLimit(1);

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    private readonly prefix: string
  ) {
    this.days = db.collection(`${prefix}_usage_days`);
    this.hours = db.collection(`${prefix}_hours`);
    this.layout = db.collection(`${prefix}_layout`);
    this.dict = new MongoDictionary(db.collection(`${prefix}_keys`), db.collection(`${prefix}_names`));
    this.derived = new MongoDerivedStore(db, prefix, (what, fn) => this.guard(what, fn));
    this.machineDays = new MongoMachineDays(db, prefix, this.days, this.dict);
  }

  /**
   * Does not connect: the first call connects, creates the indexes and migrates an old layout (idempotent), so serve
   * starts with MongoDB down. The URL's options (replicaSet, retryWrites, w, ...) pass through to the driver.
   */
  static open(url: string, database: string, prefix = 'history'): MongoUsageStore {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
    return new MongoUsageStore(client, client.db(database), prefix);
  }

  /** Connects and prepares the store now; rejects with UsageStoreError when MongoDB is unreachable. */
  static async connect(url: string, database: string, prefix = 'history'): Promise<MongoUsageStore> {
    const store = MongoUsageStore.open(url, database, prefix);
    try {
      await store.ready();
      return store;
    } catch (err) {
      await store.close().catch(() => undefined);
      throw new UsageStoreError(`usage store (mongodb) unreachable: ${(err as Error).message}`, err);
    }
  }

  /** Explicit connect: after a failed implicit one the driver reports its topology closed for good. */
  private ready(): Promise<void> {
    this.indexes ??= (async () => {
      await this.client.connect();
      await this.days.createIndex({ d: 1 });
      await this.hours.createIndex({ scope: 1, hour_s: 1 }, { unique: true });
      await this.derived.createIndexes();
      this.dict.clear();
      await this.dict.prepare();
      await this.migrate();
      await this.machineDays.prepare();
    })().catch((err: unknown) => {
      this.indexes = undefined;
      throw err;
    });
    return this.indexes;
  }

  /** Rows of the row layout move into key-day documents; the machine sums are then rebuilt from those. */
  private async migrate(): Promise<void> {
    const old = oldCollections(this.db, this.prefix);
    if (await old.rows.findOne({}, { projection: { _id: 1 } })) {
      await this.machineDays.invalidate();
      await migrateRows(old.rows, this.days, this.dict);
      await old.rows.drop().catch(() => undefined);
      await this.db.dropCollection(old.hostDays).catch(() => undefined);
    }
    const layout = await this.layout.findOne({ _id: 'usage_layout' });
    if (layout?.v !== LAYOUT_VERSION) {
      await this.layout.updateOne({ _id: 'usage_layout' }, { $set: { v: LAYOUT_VERSION } }, { upsert: true });
    }
  }

  private async guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      await this.ready();
      return await fn();
    } catch (err) {
      throw new UsageStoreError(`usage store (mongodb) ${what} failed: ${(err as Error).message}`, err);
    }
  }

  async writeHours(results: readonly HourResult[]): Promise<void> {
    if (results.length === 0) return;
    // documents, then the machine sums, then statuses: a crash in between leaves the hour unmarked, so the next run
    // redoes it
    await this.oneWrite(() => this.writeNow(results));
  }

  private async writeNow(results: readonly HourResult[]): Promise<void> {
    await this.guard('write', async () => {
      const rows = results.filter((r) => r.status !== 'failed').flatMap((r) => r.rows);
      await this.dict.ensure(
        rows,
        rows.flatMap((r) => [r.project, r.machine])
      );
      const kd = new KeyDays(this.days);
      await applyResults(kd, this.dict, results);
      const { ops, hosts } = kd.changes((k) => this.dict.isHost(k));
      try {
        if (ops.length) await this.days.bulkWrite(ops, { ordered: false });
        await this.machineDays.apply(machineDeltas(hosts));
      } catch (err) {
        // documents may have changed without their sums: have the next call rebuild the sums from them
        this.indexes = undefined;
        await this.machineDays.invalidate().catch(() => undefined);
        throw err;
      }
      const statuses = statusOps(results, Date.now() / 1000);
      if (statuses.length) await this.hours.bulkWrite(statuses, { ordered: true });
    });
  }

  async hourStatuses(scopes: readonly string[], fromSeconds: number, toSeconds: number): Promise<HourStatusRecord[]> {
    const docs = await this.guard('read', () =>
      this.hours
        .find({ scope: { $in: [...scopes] }, hour_s: { $gte: fromSeconds, $lt: toSeconds } })
        .sort({ hour_s: 1 })
        .toArray()
    );
    return docs.map((d) => {
      const out: HourStatusRecord = {
        scope: d.scope,
        hourStartSeconds: d.hour_s,
        status: d.status as HourStatusRecord['status'],
        sumCheckRatio: d.sum_check_ratio ?? null,
        estimatedAtSeconds: d.estimated_at_s,
      };
      if (d.error) out.error = d.error;
      return out;
    });
  }

  /** The key's documents over the filter's days; undefined when the key was never written. */
  private async keyDocs(f: UsageFilter): Promise<{ docs: DayDoc[]; fromH: number; toH: number } | undefined> {
    let key = this.dict.keyId(f.level, f.key);
    if (key === undefined) {
      await this.dict.refresh(); // another process may have written it
      key = this.dict.keyId(f.level, f.key);
      if (key === undefined) return undefined;
    }
    const { fromH, toH, d0, d1 } = hourRange(f.fromSeconds, f.toSeconds);
    if (d0 >= d1) return { docs: [], fromH, toH };
    const docs = await this.days.find({ _id: { $gte: docId(key, d0), $lt: docId(key, d1) } }).toArray();
    return { docs, fromH, toH };
  }

  async buckets(f: UsageFilter, granularity: Granularity): Promise<Bucket[]> {
    return this.guard('read', async () => {
      const r = await this.keyDocs(f);
      if (r === undefined) return [];
      const bucket = bucketOf(granularity);
      return groupSums(r.docs, r.fromH, r.toH, (_k, hour) => bucket(hour)).map(([startSeconds, s]) => ({
        startSeconds,
        ...figuresOf(s),
      }));
    });
  }

  async rows(f: UsageFilter): Promise<UsageRow[]> {
    return this.guard('read', async () => {
      const r = await this.keyDocs(f);
      if (r === undefined) return [];
      const docs = r.docs;
      const out = await this.withNames(() => {
        const list: UsageRow[] = [];
        visitHours(docs, r.fromH, r.toH, (_k, hour, cell, fig) => {
          const s = { n: 1, rn: fig[7] === null ? 0 : 1, v: fig.map((x) => x ?? 0) };
          const [project, machine] = [this.dict.name(cell.p), this.dict.name(cell.m)];
          list.push({ level: f.level, key: f.key, project, machine, hourStartSeconds: hour * 3600, ...figuresOf(s) });
        });
        return list;
      });
      const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
      return out.sort(
        (a, b) => a.hourStartSeconds - b.hourStartSeconds || cmp(a.project, b.project) || cmp(a.machine, b.machine)
      );
    });
  }

  /** Retried once with the dictionary reloaded: another process may have given ids since this one loaded them. */
  private async withNames<T>(fn: () => T): Promise<T> {
    try {
      return fn();
    } catch {
      await this.dict.refresh();
      return fn();
    }
  }

  async split(f: UsageFilter, by: 'project' | 'machine'): Promise<Contributor[]> {
    return this.guard('read', async () => {
      const r = await this.keyDocs(f);
      if (r === undefined) return [];
      const sums = groupSums(r.docs, r.fromH, r.toH, (_k, _h, cell) => (by === 'project' ? cell.p : cell.m));
      return this.withNames(() => byName(sums.map(([id, s]) => ({ name: this.dict.name(id), ...figuresOf(s) }))));
    });
  }

  async keys(level: Level, fromSeconds: number, toSeconds: number, project?: string): Promise<Contributor[]> {
    return this.guard('read', async () => {
      await this.dict.refresh();
      const p = project === undefined ? undefined : this.dict.nameId(project);
      const ids = this.dict.keysOfLevel(level);
      if ((project !== undefined && p === undefined) || ids.length === 0) return [];
      const { fromH, toH, d0, d1 } = hourRange(fromSeconds, toSeconds);
      if (d0 >= d1) return [];
      const filter: Document =
        ids.length <= KEY_RANGES_MAX
          ? { $or: ids.map((k) => ({ _id: { $gte: docId(k, d0), $lt: docId(k, d1) } })) }
          : { d: { $gte: d0, $lt: d1 } };
      const wanted = new Set(ids);
      const docs = (await this.days.find(filter).toArray()).filter((d) => wanted.has(keyOfId(d._id)));
      const sums = groupSums(docs, fromH, toH, (k, _h, cell) => (p === undefined || cell.p === p ? k : -1));
      return byName(sums.filter(([k]) => k >= 0).map(([k, s]) => ({ name: this.dict.key(k).name, ...figuresOf(s) })));
    });
  }

  /** Reads the machine-day sums every write keeps, never the host documents. */
  async machineAverages(): Promise<MachineAverage[]> {
    return this.guard('read', () => this.machineDays.averages());
  }

  /** Whole UTC days before the one holding `beforeSeconds`; `rows` counts the hour rows those days held. */
  async prune(beforeSeconds: number): Promise<PruneResult> {
    const day = Math.floor(beforeSeconds / 86400);
    return this.oneWrite(() => this.pruneNow(day));
  }

  private pruneNow(day: number): Promise<PruneResult> {
    return this.guard('prune', async () => {
      const old = { d: { $lt: day } };
      let rows = 0;
      for await (const doc of this.days.find(old)) rows += hoursIn(decodeCells(doc.b));
      await this.days.deleteMany(old);
      await this.machineDays.prune(day);
      const statuses = (await this.hours.deleteMany({ hour_s: { $lt: day * 86400 } })).deletedCount;
      return { rows, statuses };
    });
  }

  async ping(): Promise<void> {
    await this.guard('ping', () => this.client.db().command({ ping: 1 }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

function byName(list: Contributor[]): Contributor[] {
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
