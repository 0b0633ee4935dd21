import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { WorkspaceState } from '../tracking/types';
import { migrate } from './migrate';
import { MIGRATIONS } from './schema';
import type { WorkspaceQuery, WorkspaceStore } from './types';
import { settle } from '../util/settle';
import { nextTurn } from '../tracking/slices';

/** Workspace states one transaction writes (a few ms of work). */
export const STATES_PER_TRANSACTION = 256;

/** The store file is unusable (not a database, corrupt, unreadable): the message names the file and its key. */
export class StoreOpenError extends Error {
  constructor(
    readonly file: string,
    cause: unknown
  ) {
    // not `instanceof Error`: the native module's SqliteError may come from another realm (e.g. under jest)
    const why =
      typeof (cause as { message?: unknown })?.message === 'string' ? (cause as Error).message : String(cause);
    super(`cannot open the SQLite store ${file} (store.sqlite.path): ${why}`, { cause });
    this.name = 'StoreOpenError';
  }
}

/**
 * Opens (creating when needed) the embedded SQLite database with WAL journaling and migrates it to the current schema.
 * SQLite reads a file only on first use, so a garbage file fails in the pragmas below: any failure here names the file.
 */
export function openSqlite(file: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    db = new Database(file);
    initSchema(db);
    return db;
  } catch (err) {
    if (db?.open) db.close();
    throw new StoreOpenError(file === ':memory:' ? file : path.resolve(file), err);
  }
}

function initSchema(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // 64 MiB of page cache (default 2 MiB): a history write adds each key's hour at that key's own place in the hour
  // rows' primary key, and with thousands of keys those pages fell out of the small cache between hours
  db.pragma('cache_size = -65536');
  migrate(db, MIGRATIONS);
}

export class SqliteWorkspaceStore implements WorkspaceStore {
  readonly kind = 'sqlite' as const;
  private readonly upsert: Database.Statement;
  private readonly saveMany: (states: readonly WorkspaceState[]) => void;

  constructor(readonly db: Database.Database) {
    this.upsert = db.prepare(`
      INSERT INTO workspaces (id, status, site, host, last_seen_seconds, data)
      VALUES (@id, @status, @site, @host, @lastSeenSeconds, @data)
      ON CONFLICT (id) DO UPDATE SET status = excluded.status, site = excluded.site, host = excluded.host,
        last_seen_seconds = excluded.last_seen_seconds, data = excluded.data`);
    this.saveMany = db.transaction((states: readonly WorkspaceState[]) => {
      for (const s of states) {
        this.upsert.run({
          id: s.id,
          status: s.status,
          site: s.site,
          host: s.host,
          lastSeenSeconds: s.lastSeenSeconds,
          data: JSON.stringify(s),
        });
      }
    });
  }

  static open(file: string): SqliteWorkspaceStore {
    return new SqliteWorkspaceStore(openSqlite(file));
  }

  async loadOpenWorkspaces(): Promise<WorkspaceState[]> {
    return this.listWorkspaces({ status: ['active', 'missing'] });
  }

  getWorkspace(id: string): Promise<WorkspaceState | undefined> {
    return settle(() => {
      const row = this.db.prepare('SELECT data FROM workspaces WHERE id = ?').get(id) as { data: string } | undefined;
      return row ? (JSON.parse(row.data) as WorkspaceState) : undefined;
    });
  }

  /**
   * Upserts the states a transaction of STATES_PER_TRANSACTION at a time, the event loop getting a turn between two:
   * a cycle at 10,000 workspaces writes them all, which in one transaction held serving for a few hundred ms. Each
   * state stands alone (totals since boot), so a failure part way loses nothing: the caller writes them all again.
   */
  async saveWorkspaces(states: readonly WorkspaceState[]): Promise<void> {
    for (let i = 0; i < states.length; i += STATES_PER_TRANSACTION) {
      if (i > 0) await nextTurn();
      this.saveMany(states.slice(i, i + STATES_PER_TRANSACTION));
    }
  }

  listWorkspaces(query: WorkspaceQuery = {}): Promise<WorkspaceState[]> {
    return settle(() => this.selectWorkspaces(query));
  }

  private selectWorkspaces(query: WorkspaceQuery): WorkspaceState[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.status?.length) {
      where.push(`status IN (${query.status.map(() => '?').join(', ')})`);
      params.push(...query.status);
    }
    if (query.site !== undefined) {
      where.push('site = ?');
      params.push(query.site);
    }
    const sql = `SELECT data FROM workspaces ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
    return (this.db.prepare(sql).all(...params) as Array<{ data: string }>).map(
      (r) => JSON.parse(r.data) as WorkspaceState
    );
  }

  ping(): Promise<void> {
    return settle(() => {
      this.db.prepare('SELECT 1').get();
    });
  }

  close(): Promise<void> {
    return settle(() => {
      if (this.db.open) this.db.close();
    });
  }
}
