import type Database from 'better-sqlite3';
import { migrate } from '../migrate';
import { MIGRATIONS } from '../schema';
import { openSqlite, StoreOpenError } from '../sqlite';
import { settle } from '../../util/settle';
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
import { SqliteDerivedStore } from './derived';

const SUMS = `SUM(busy_cpu) AS busyCpuSeconds, SUM(idle_cpu) AS idleCpuSeconds, SUM(busy_j) AS busyJoules,
  SUM(idle_j) AS idleJoules, SUM(busy_g) AS busyGrams, SUM(idle_g) AS idleGrams, SUM(fallback_g) AS fallbackGrams,
  CASE WHEN COUNT(runtime_s) = COUNT(*) THEN SUM(runtime_s) END AS runtimeSeconds`;

const BUCKET: Record<Granularity, string> = {
  hour: 'hour_s',
  day: 'hour_s - (hour_s % 86400)',
  month: "CAST(strftime('%s', hour_s, 'unixepoch', 'start of month') AS INTEGER)",
  year: "CAST(strftime('%s', hour_s, 'unixepoch', 'start of year') AS INTEGER)",
};

/** Usage history in the embedded SQLite file (the default store). */
export class SqliteUsageStore implements UsageStore {
  readonly kind = 'sqlite' as const;
  readonly derived: SqliteDerivedStore;
  private readonly writeMany: (results: readonly HourResult[]) => void;

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
    const delAll = db.prepare('DELETE FROM history_usage WHERE hour_s = ?');
    const delProject = db.prepare('DELETE FROM history_usage WHERE hour_s = ? AND project = ?');
    const ins =
      db.prepare(`INSERT INTO history_usage (level, key, project, machine, hour_s, busy_cpu, idle_cpu, busy_j, idle_j, busy_g, idle_g, fallback_g, runtime_s)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const status =
      db.prepare(`INSERT INTO history_hours (scope, hour_s, status, error, sum_check_ratio, estimated_at_s) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (scope, hour_s) DO UPDATE SET status = excluded.status, error = excluded.error,
        sum_check_ratio = excluded.sum_check_ratio, estimated_at_s = excluded.estimated_at_s`);
    const failed =
      db.prepare(`INSERT INTO history_hours (scope, hour_s, status, error, sum_check_ratio, estimated_at_s) VALUES (?, ?, 'failed', ?, NULL, ?)
      ON CONFLICT (scope, hour_s) DO UPDATE SET error = excluded.error, estimated_at_s = excluded.estimated_at_s WHERE status = 'failed'`);
    this.writeMany = db.transaction((results: readonly HourResult[]) => {
      const now = Date.now() / 1000;
      for (const r of results) {
        if (r.status === 'failed') {
          failed.run(r.scope, r.hourStartSeconds, r.error ?? null, now);
          continue;
        }
        if (r.scope === '*') delAll.run(r.hourStartSeconds);
        else delProject.run(r.hourStartSeconds, r.scope);
        for (const x of r.rows) {
          if (r.scope !== '*' && x.project !== r.scope) continue;
          ins.run(
            x.level,
            x.key,
            x.project,
            x.machine,
            x.hourStartSeconds,
            x.busyCpuSeconds,
            x.idleCpuSeconds,
            x.busyJoules,
            x.idleJoules,
            x.busyGrams,
            x.idleGrams,
            x.fallbackGrams,
            x.runtimeSeconds ?? null
          );
        }
        status.run(r.scope, r.hourStartSeconds, r.status, r.error ?? null, r.sumCheckRatio, now);
      }
    });
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

  writeHours(results: readonly HourResult[]): Promise<void> {
    return results.length > 0 ? this.guard('write', () => this.writeMany(results)) : Promise.resolve();
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

  buckets(f: UsageFilter, granularity: Granularity): Promise<Bucket[]> {
    return this.guard(
      'read',
      () =>
        this.db
          .prepare(
            `SELECT ${BUCKET[granularity]} AS startSeconds, ${SUMS} FROM history_usage
      WHERE level = ? AND key = ? AND hour_s >= ? AND hour_s < ? GROUP BY startSeconds ORDER BY startSeconds`
          )
          .all(f.level, f.key, f.fromSeconds, f.toSeconds) as Bucket[]
    );
  }

  rows(f: UsageFilter): Promise<UsageRow[]> {
    return this.guard(
      'read',
      () =>
        this.db
          .prepare(
            `SELECT level, key, project, machine, hour_s AS hourStartSeconds,
      busy_cpu AS busyCpuSeconds, idle_cpu AS idleCpuSeconds, busy_j AS busyJoules, idle_j AS idleJoules, busy_g AS busyGrams,
      idle_g AS idleGrams, fallback_g AS fallbackGrams, runtime_s AS runtimeSeconds FROM history_usage
      WHERE level = ? AND key = ? AND hour_s >= ? AND hour_s < ? ORDER BY hour_s, project, machine`
          )
          .all(f.level, f.key, f.fromSeconds, f.toSeconds) as UsageRow[]
    );
  }

  split(f: UsageFilter, by: 'project' | 'machine'): Promise<Contributor[]> {
    const col = by === 'project' ? 'project' : 'machine';
    return this.guard(
      'read',
      () =>
        this.db
          .prepare(
            `SELECT ${col} AS name, ${SUMS} FROM history_usage
      WHERE level = ? AND key = ? AND hour_s >= ? AND hour_s < ? GROUP BY ${col}`
          )
          .all(f.level, f.key, f.fromSeconds, f.toSeconds) as Contributor[]
    );
  }

  keys(level: Level, fromSeconds: number, toSeconds: number, project?: string): Promise<Contributor[]> {
    // Walks the level's distinct keys through the primary key (one seek each), then reads each key's hour range by
    // the primary key. A plain GROUP BY key scans every row of the level whatever the range (figures:
    // history/README.md and exporter/bench/storeReads.ts).
    return this.guard(
      'read',
      () =>
        this.db
          .prepare(
            `WITH RECURSIVE k(key) AS (
        SELECT (SELECT MIN(key) FROM history_usage WHERE level = @level)
        UNION ALL SELECT (SELECT MIN(key) FROM history_usage WHERE level = @level AND key > k.key) FROM k WHERE k.key IS NOT NULL)
      SELECT h.key AS name, ${SUMS} FROM k CROSS JOIN history_usage h
      WHERE h.level = @level AND h.key = k.key AND h.hour_s >= @from AND h.hour_s < @to
        ${project !== undefined ? 'AND h.project = @project' : ''} GROUP BY h.key`
          )
          .all({
            level,
            from: fromSeconds,
            to: toSeconds,
            ...(project !== undefined ? { project } : {}),
          }) as Contributor[]
    );
  }

  machineAverages(): Promise<MachineAverage[]> {
    return this.guard('read', () =>
      (
        this.db
          .prepare(
            `SELECT machine, COUNT(*) AS days, SUM(n) AS hours, SUM(bc) AS bc, SUM(ic) AS ic, SUM(bj) AS bj, SUM(ij) AS ij,
        SUM(bg) AS bg, SUM(ig) AS ig FROM (
        SELECT machine, key, hour_s - (hour_s % 86400) AS day, COUNT(*) AS n, SUM(busy_cpu) AS bc, SUM(idle_cpu) AS ic,
          SUM(busy_j) AS bj, SUM(idle_j) AS ij, SUM(busy_g) AS bg, SUM(idle_g) AS ig
        FROM history_usage WHERE level = 'host' GROUP BY machine, key, day) GROUP BY machine ORDER BY machine`
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
