// Usage history in MongoDB (production at Ada): same rows and semantics as the SQLite adapter, bulk writes, indexes.
import { MongoClient, type Collection, type Db, type Document } from 'mongodb';
import { MongoDerivedStore } from './mongoDerived';
import type { HourResult, HourStatusRecord, Level, UsageRow } from '../../history/types';
import { MongoMachineDays } from './mongoAverages';
import { docRow, replacedBy, writeOps, type RowDoc, type StatusDoc } from './mongoWrite';
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
import { bucketExpr, SUMS, withRuntime } from './mongoPipelines';
import { bucketsOf, contributorsOf, isNotImplemented } from './mongoClientSide';

export class MongoUsageStore implements UsageStore {
  readonly kind = 'mongodb' as const;
  private indexes: Promise<void> | undefined;
  readonly derived: MongoDerivedStore;
  private readonly machineDays: MongoMachineDays;
  private constructor(
    private readonly client: MongoClient,
    private readonly usage: Collection<RowDoc>,
    private readonly hours: Collection<StatusDoc>,
    db: Db,
    prefix: string
  ) {
    this.derived = new MongoDerivedStore(db, prefix, (what, fn) => this.guard(what, fn));
    this.machineDays = new MongoMachineDays(db, prefix, usage);
  }

  /**
   * Does not connect: the first call connects and creates the indexes (idempotent), so serve starts with MongoDB
   * down. The URL's options (replicaSet, retryWrites, w, ...) pass through to the driver.
   */
  static open(url: string, database: string, prefix = 'history'): MongoUsageStore {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
    const db = client.db(database);
    return new MongoUsageStore(client, db.collection(`${prefix}_usage`), db.collection(`${prefix}_hours`), db, prefix);
  }

  /** Connects and creates the indexes now; rejects with UsageStoreError when MongoDB is unreachable. */
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
      await this.usage.createIndex({ level: 1, key: 1, hour_s: 1, project: 1, machine: 1 }, { unique: true });
      await this.usage.createIndex({ hour_s: 1, project: 1 });
      await this.hours.createIndex({ scope: 1, hour_s: 1 }, { unique: true });
      await this.derived.createIndexes();
      await this.machineDays.prepare();
    })().catch((err: unknown) => {
      this.indexes = undefined;
      throw err;
    });
    return this.indexes;
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
    const ops = writeOps(results, Date.now() / 1000);
    const replaced = results.filter((r) => r.status !== 'failed').map(replacedBy);
    // rows, then the averages, then statuses: a crash in between leaves the hour unmarked, so the next run redoes it
    await this.guard('write', async () => {
      const removed = replaced.length
        ? (await this.usage.find({ level: 'host', $or: replaced }).toArray()).map(docRow)
        : [];
      try {
        if (ops.rows.length) await this.usage.bulkWrite(ops.rows, { ordered: true });
        await this.machineDays.apply(removed, ops.hostRows);
      } catch (err) {
        // rows may have changed without their sums: have the next call rebuild the sums from the rows
        this.indexes = undefined;
        await this.machineDays.invalidate().catch(() => undefined);
        throw err;
      }
      if (ops.statuses.length) await this.hours.bulkWrite(ops.statuses, { ordered: true });
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

  private match(f: UsageFilter): Document {
    return { level: f.level, key: f.key, hour_s: { $gte: f.fromSeconds, $lt: f.toSeconds } };
  }

  async buckets(f: UsageFilter, granularity: Granularity): Promise<Bucket[]> {
    const match = this.match(f);
    return this.rollup(
      match,
      async () => {
        const docs = await this.usage
          .aggregate([{ $match: match }, { $group: { _id: bucketExpr(granularity), ...SUMS } }, { $sort: { _id: 1 } }])
          .toArray();
        return docs.map(({ _id, ...rest }) => ({ startSeconds: Number(_id), ...withRuntime(rest) }) as Bucket);
      },
      (rows) => bucketsOf(rows, granularity)
    );
  }

  async rows(f: UsageFilter): Promise<UsageRow[]> {
    return this.guard('read', () => this.findRows(this.match(f)));
  }

  private async findRows(match: Document): Promise<UsageRow[]> {
    const docs = await this.usage.find(match).sort({ hour_s: 1, project: 1, machine: 1 }).toArray();
    return docs.map(docRow);
  }

  /** The server-side pipeline; on a server lacking its operators (FerretDB), the same rollup from the rows. */
  private rollup<T>(match: Document, server: () => Promise<T>, client: (rows: UsageRow[]) => T): Promise<T> {
    return this.guard('read', async () => {
      try {
        return await server();
      } catch (err) {
        if (!isNotImplemented(err)) throw err;
        return client(await this.findRows(match));
      }
    });
  }

  async split(f: UsageFilter, by: 'project' | 'machine'): Promise<Contributor[]> {
    const match = this.match(f);
    return this.rollup(
      match,
      async () => {
        const docs = await this.usage.aggregate([{ $match: match }, { $group: { _id: `$${by}`, ...SUMS } }]).toArray();
        return docs.map(({ _id, ...rest }) => ({ name: String(_id), ...withRuntime(rest) }) as Contributor);
      },
      (rows) => contributorsOf(rows, (r) => r[by])
    );
  }

  async keys(level: Level, fromSeconds: number, toSeconds: number, project?: string): Promise<Contributor[]> {
    const match: Document = { level, hour_s: { $gte: fromSeconds, $lt: toSeconds } };
    if (project !== undefined) match.project = project;
    return this.rollup(
      match,
      async () => {
        const docs = await this.usage.aggregate([{ $match: match }, { $group: { _id: '$key', ...SUMS } }]).toArray();
        return docs.map(({ _id, ...rest }) => ({ name: String(_id), ...withRuntime(rest) }) as Contributor);
      },
      (rows) => contributorsOf(rows, (r) => r.key)
    );
  }

  /** Reads the machine-day sums every write keeps, never the host rows. */
  async machineAverages(): Promise<MachineAverage[]> {
    return this.guard('read', () => this.machineDays.averages());
  }

  async prune(beforeSeconds: number): Promise<PruneResult> {
    const dayStart = Math.floor(beforeSeconds / 86400) * 86400;
    return this.guard('prune', async () => {
      const rows = (await this.usage.deleteMany({ hour_s: { $lt: dayStart } })).deletedCount;
      await this.machineDays.prune(dayStart);
      const statuses = (await this.hours.deleteMany({ hour_s: { $lt: dayStart } })).deletedCount;
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
