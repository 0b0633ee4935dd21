// Usage history in MongoDB (production at Ada): same rows and semantics as the SQLite adapter, bulk writes, indexes.
import { MongoClient, type AnyBulkWriteOperation, type Collection, type Db, type Document } from 'mongodb';
import { MongoDerivedStore } from './mongoDerived';
import type { HourResult, HourStatusRecord, Level, UsageRow } from '../../history/types';
import {
  perHour,
  UsageStoreError,
  type AverageSums,
  type Bucket,
  type Contributor,
  type Granularity,
  type MachineAverage,
  type UsageFilter,
  type UsageStore,
} from './types';
import { bucketExpr, SUMS, withRuntime } from './mongoPipelines';
import { bucketsOf, contributorsOf, isNotImplemented, machineAveragesOf } from './mongoClientSide';

interface RowDoc extends Document {
  level: string;
  key: string;
  project: string;
  machine: string;
  hour_s: number;
  busy_cpu: number;
  idle_cpu: number;
  busy_j: number;
  idle_j: number;
  busy_g: number;
  idle_g: number;
  fallback_g: number;
  /** absent on rows written before runtime was kept */
  runtime_s?: number | null;
}
interface StatusDoc extends Document {
  scope: string;
  hour_s: number;
  status: string;
  error: string | null;
  sum_check_ratio: number | null;
  estimated_at_s: number;
}

export class MongoUsageStore implements UsageStore {
  readonly kind = 'mongodb' as const;
  private indexes: Promise<void> | undefined;
  readonly derived: MongoDerivedStore;
  private constructor(
    private readonly client: MongoClient,
    private readonly usage: Collection<RowDoc>,
    private readonly hours: Collection<StatusDoc>,
    db: Db,
    prefix: string
  ) {
    this.derived = new MongoDerivedStore(db, prefix, (what, fn) => this.guard(what, fn));
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
    const now = Date.now() / 1000;
    const ops: AnyBulkWriteOperation<RowDoc>[] = [];
    const statusOps: AnyBulkWriteOperation<StatusDoc>[] = [];
    for (const r of results) {
      if (r.status === 'failed') {
        // never downgrade an estimated hour to failed
        statusOps.push({
          updateOne: {
            filter: { scope: r.scope, hour_s: r.hourStartSeconds, status: 'failed' },
            update: { $set: { error: r.error ?? null, estimated_at_s: now } },
          },
        });
        statusOps.push({
          updateOne: {
            filter: { scope: r.scope, hour_s: r.hourStartSeconds },
            update: {
              $setOnInsert: { status: 'failed', error: r.error ?? null, sum_check_ratio: null, estimated_at_s: now },
            },
            upsert: true,
          },
        });
        continue;
      }
      ops.push({
        deleteMany: {
          filter: r.scope === '*' ? { hour_s: r.hourStartSeconds } : { hour_s: r.hourStartSeconds, project: r.scope },
        },
      });
      for (const x of r.rows) {
        if (r.scope !== '*' && x.project !== r.scope) continue;
        ops.push({
          insertOne: {
            document: {
              level: x.level,
              key: x.key,
              project: x.project,
              machine: x.machine,
              hour_s: x.hourStartSeconds,
              busy_cpu: x.busyCpuSeconds,
              idle_cpu: x.idleCpuSeconds,
              busy_j: x.busyJoules,
              idle_j: x.idleJoules,
              busy_g: x.busyGrams,
              idle_g: x.idleGrams,
              fallback_g: x.fallbackGrams,
              runtime_s: x.runtimeSeconds ?? null,
            },
          },
        });
      }
      statusOps.push({
        updateOne: {
          filter: { scope: r.scope, hour_s: r.hourStartSeconds },
          update: {
            $set: { status: r.status, error: r.error ?? null, sum_check_ratio: r.sumCheckRatio, estimated_at_s: now },
          },
          upsert: true,
        },
      });
    }
    // rows first, statuses after: a crash in between leaves the hour unmarked, so the next run redoes it cleanly
    await this.guard('write', async () => {
      if (ops.length) await this.usage.bulkWrite(ops, { ordered: true });
      if (statusOps.length) await this.hours.bulkWrite(statusOps, { ordered: true });
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
    return docs.map((d) => ({
      level: d.level as Level,
      key: d.key,
      project: d.project,
      machine: d.machine,
      hourStartSeconds: d.hour_s,
      busyCpuSeconds: d.busy_cpu,
      idleCpuSeconds: d.idle_cpu,
      busyJoules: d.busy_j,
      idleJoules: d.idle_j,
      busyGrams: d.busy_g,
      idleGrams: d.idle_g,
      fallbackGrams: d.fallback_g,
      runtimeSeconds: d.runtime_s ?? null,
    }));
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

  async machineAverages(): Promise<MachineAverage[]> {
    return this.rollup({ level: 'host' }, () => this.serverMachineAverages(), machineAveragesOf);
  }

  private async serverMachineAverages(): Promise<MachineAverage[]> {
    const docs = await this.usage
      .aggregate<AverageSums & { _id: unknown }>([
        { $match: { level: 'host' } },
        {
          $group: {
            _id: { m: '$machine', k: '$key', d: { $subtract: ['$hour_s', { $mod: ['$hour_s', 86400] }] } },
            n: { $sum: 1 },
            bc: { $sum: '$busy_cpu' },
            ic: { $sum: '$idle_cpu' },
            bj: { $sum: '$busy_j' },
            ij: { $sum: '$idle_j' },
            bg: { $sum: '$busy_g' },
            ig: { $sum: '$idle_g' },
          },
        },
        {
          $group: {
            _id: '$_id.m',
            days: { $sum: 1 },
            hours: { $sum: '$n' },
            bc: { $sum: '$bc' },
            ic: { $sum: '$ic' },
            bj: { $sum: '$bj' },
            ij: { $sum: '$ij' },
            bg: { $sum: '$bg' },
            ig: { $sum: '$ig' },
          },
        },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    return docs.map((r) => ({
      machine: String(r._id),
      workspaceDays: r.days,
      busyKwhPerWorkspaceDay: r.bj / 3.6e6 / r.days,
      idleKwhPerWorkspaceDay: r.ij / 3.6e6 / r.days,
      busyGramsPerWorkspaceDay: r.bg / r.days,
      idleGramsPerWorkspaceDay: r.ig / r.days,
      ...perHour(r),
    }));
  }

  async ping(): Promise<void> {
    await this.guard('ping', () => this.client.db().command({ ping: 1 }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
