import type Database from 'better-sqlite3';
import { migrate } from '../migrate';
import { MIGRATIONS } from '../schema';
import { openSqlite, StoreOpenError } from '../sqlite';
import { settle } from '../../util/settle';
import { nextTurn } from '../../tracking/slices';
import type { HourResult, HourStatusRecord, Level, UsageRow } from '../../history/types';
import {
  perHour,
  UsageStoreError,
  type AverageSums,
  type Bucket,
  type Contributor,
  type Granularity,
  type MachineAverage,
  type PruneResult,
  type UsageFilter,
  type UsageStore,
} from './types';
import { SqliteDerivedStore } from './derived';
import { LEVEL_IDS } from '../compactLayout';
import { base, BUCKET, rangeParams, rangeSource, SUMS } from './sqliteReads';
import { SqliteUsageWriter } from './sqliteWrite';

/** Rows per write transaction: about 10-20 ms of work each here. */
const WRITE_SLICE_ROWS = 2000;

/** Usage history in the embedded SQLite file (the default store). */
export class SqliteUsageStore implements UsageStore {
  readonly kind = 'sqlite' as const;
  readonly derived: SqliteDerivedStore;
  private readonly writer: SqliteUsageWriter;

  constructor(
    readonly db: Database.Database,
    private readonly ownsDb = false
  ) {
    try {
      migrate(db, MIGRATIONS); // a no-op on a database openSqlite opened
    } catch (err) {
      throw new StoreOpenError(db.name, err);
    }
    this.derived = new SqliteDerivedStore(db, (what, fn) => this.guard(what, fn));
    this.writer = new SqliteUsageWriter(db);
  }

  static open(file: string): SqliteUsageStore {
    return new SqliteUsageStore(openSqlite(file), true);
  }

  /** better-sqlite3 is synchronous: its errors become UsageStoreError rejections, as the store interface promises. */
  private guard<T>(what: string, fn: () => T): Promise<T> {
    return settle(() => {
      try {
        return fn();
      } catch (err) {
        throw new UsageStoreError(`usage store (sqlite) ${what} failed: ${(err as Error).message}`, err);
      }
    });
  }

  /**
   * Whole hours per transaction, about WRITE_SLICE_ROWS rows each, with a turn of the event loop between: a long
   * chunk written from serve never holds it for more than one slice.
   */
  async writeHours(results: readonly HourResult[]): Promise<void> {
    let from = 0;
    while (from < results.length) {
      let to = from;
      let rows = 0;
      while (to < results.length && (to === from || rows + results[to]!.rows.length <= WRITE_SLICE_ROWS)) {
        rows += results[to++]!.rows.length;
      }
      const slice = results.slice(from, to);
      await this.guard('write', () => this.writer.write(slice));
      from = to;
      if (from < results.length) await nextTurn();
    }
  }

  hourStatuses(scopes: readonly string[], fromSeconds: number, toSeconds: number): Promise<HourStatusRecord[]> {
    if (scopes.length === 0) return Promise.resolve([]);
    return this.guard('read', () =>
      (
        this.db
          .prepare(
            `SELECT scope, hour_s, status, error, sum_check_ratio, estimated_at_s FROM history_hours
      WHERE scope IN (${scopes.map(() => '?').join(', ')}) AND hour_s >= ? AND hour_s < ? ORDER BY hour_s`
          )
          .all(...scopes, fromSeconds, toSeconds) as Array<Record<string, unknown>>
      ).map((r) => {
        const out: HourStatusRecord = {
          scope: r.scope as string,
          hourStartSeconds: r.hour_s as number,
          status: r.status as HourStatusRecord['status'],
          sumCheckRatio: (r.sum_check_ratio as number | null) ?? null,
          estimatedAtSeconds: r.estimated_at_s as number,
        };
        if (r.error != null) out.error = r.error as string;
        return out;
      })
    );
  }

  /** The stored id of a key or name; undefined when nothing was ever written under it. */
  private keyId(level: Level, key: string): number | undefined {
    return this.db
      .prepare('SELECT id FROM history_keys WHERE level = ? AND name = ?')
      .pluck()
      .get(LEVEL_IDS[level], key) as number | undefined;
  }

  private nameId(name: string): number | undefined {
    return this.db.prepare('SELECT id FROM history_names WHERE name = ?').pluck().get(name) as number | undefined;
  }

  buckets(f: UsageFilter, granularity: Granularity): Promise<Bucket[]> {
    return this.guard('read', () => {
      const key = this.keyId(f.level, f.key);
      if (key === undefined) return [];
      return this.db
        .prepare(
          `SELECT ${BUCKET[granularity]} AS startSeconds, ${SUMS} FROM (${rangeSource('key', false)})
          GROUP BY startSeconds ORDER BY startSeconds`
        )
        .all({
          key,
          ...rangeParams(f.fromSeconds, f.toSeconds, granularity !== 'hour' && f.level !== 'host'),
        }) as Bucket[];
    });
  }

  rows(f: UsageFilter): Promise<UsageRow[]> {
    return this.guard('read', () => {
      const key = this.keyId(f.level, f.key);
      if (key === undefined) return [];
      return (
        this.db
          .prepare(
            `SELECT p.name AS project, m.name AS machine, r.hour * 3600 AS hourStartSeconds,
        ${base('r.busy_cpu_ms', 'cpu')} AS busyCpuSeconds, ${base('r.idle_cpu_ms', 'cpu')} AS idleCpuSeconds,
        ${base('r.busy_mj', 'joules')} AS busyJoules, ${base('r.idle_mj', 'joules')} AS idleJoules,
        ${base('r.busy_ng', 'grams')} AS busyGrams, ${base('r.idle_ng', 'grams')} AS idleGrams,
        ${base('r.fallback_ng', 'grams')} AS fallbackGrams, ${base('r.runtime_ms', 'runtime')} AS runtimeSeconds
      FROM history_hour_rows r JOIN history_names p ON p.id = r.project JOIN history_names m ON m.id = r.machine
      WHERE r.key = @key AND r.hour >= @h0 AND r.hour < @h1 ORDER BY r.hour, p.name, m.name`
          )
          .all({ key, ...rangeParams(f.fromSeconds, f.toSeconds, false) }) as Array<Omit<UsageRow, 'level' | 'key'>>
      ).map((r) => ({ level: f.level, key: f.key, ...r }));
    });
  }

  split(f: UsageFilter, by: 'project' | 'machine'): Promise<Contributor[]> {
    return this.guard('read', () => {
      const key = this.keyId(f.level, f.key);
      if (key === undefined) return [];
      return this.db
        .prepare(
          `SELECT n.name AS name, ${SUMS} FROM (${rangeSource('key', false)}) u JOIN history_names n ON n.id = u.${by}
          GROUP BY u.${by} ORDER BY n.name`
        )
        .all({ key, ...rangeParams(f.fromSeconds, f.toSeconds, f.level !== 'host') }) as Contributor[];
    });
  }

  keys(level: Level, fromSeconds: number, toSeconds: number, project?: string): Promise<Contributor[]> {
    return this.guard('read', () => {
      const projectId = project === undefined ? undefined : this.nameId(project);
      if (project !== undefined && projectId === undefined) return [];
      return this.db
        .prepare(
          `SELECT name, ${SUMS} FROM (${rangeSource('level', projectId !== undefined)}) GROUP BY name ORDER BY name`
        )
        .all({
          level: LEVEL_IDS[level],
          ...rangeParams(fromSeconds, toSeconds, level !== 'host'),
          ...(projectId !== undefined ? { project: projectId } : {}),
        }) as Contributor[];
    });
  }

  /** Reads the machine-day sums every write keeps: a few rows per machine type and day, never the host rows. */
  machineAverages(): Promise<MachineAverage[]> {
    return this.guard('read', () =>
      (
        this.db
          .prepare(
            `SELECT n.name AS machine, SUM(d.workspaces) AS days, SUM(d.hours) AS hours,
        ${base('SUM(d.busy_cpu_ms)', 'cpu')} AS bc, ${base('SUM(d.idle_cpu_ms)', 'cpu')} AS ic,
        ${base('SUM(d.busy_mj)', 'joules')} AS bj, ${base('SUM(d.idle_mj)', 'joules')} AS ij,
        ${base('SUM(d.busy_ng)', 'grams')} AS bg, ${base('SUM(d.idle_ng)', 'grams')} AS ig
      FROM history_machine_days d JOIN history_names n ON n.id = d.machine GROUP BY d.machine ORDER BY n.name`
          )
          .all() as Array<AverageSums & { machine: string }>
      ).map((r) => ({
        machine: r.machine,
        workspaceDays: r.days,
        busyKwhPerWorkspaceDay: r.bj / 3.6e6 / r.days,
        idleKwhPerWorkspaceDay: r.ij / 3.6e6 / r.days,
        busyGramsPerWorkspaceDay: r.bg / r.days,
        idleGramsPerWorkspaceDay: r.ig / r.days,
        ...perHour(r),
      }))
    );
  }

  /** A day per transaction, oldest first, yielding between days: a first prune of years of rows never stalls serve. */
  async prune(beforeSeconds: number): Promise<PruneResult> {
    const cutDay = Math.floor(beforeSeconds / 86400);
    const total: PruneResult = { rows: 0, statuses: 0 };
    for (;;) {
      // the next day with anything in it: sparse old data is skipped, not walked day by day
      const oldest = await this.guard('prune', () => this.writer.oldestDay());
      if (oldest === undefined || oldest >= cutDay) break;
      const r = await this.guard('prune', () => this.writer.prune((oldest + 1) * 86400));
      total.rows += r.rows;
      total.statuses += r.statuses;
      await nextTurn();
    }
    return total;
  }

  ping(): Promise<void> {
    return this.guard('ping', () => {
      this.db.prepare('SELECT 1').get();
    });
  }

  close(): Promise<void> {
    return settle(() => {
      if (this.ownsDb && this.db.open) this.db.close();
    });
  }
}
