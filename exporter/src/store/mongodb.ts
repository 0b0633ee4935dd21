// Live tracking state in MongoDB. Never connects eagerly: the driver connects on first use, so a MongoDB that is down
// at start (or later) only makes calls reject; the tracker then marks the store source down, keeps the latest state
// per workspace in memory and retries on its next cycle.
import { MongoClient, type Collection, type Document } from 'mongodb';
import type { WorkspaceState } from '../tracking/types';
import type { WorkspaceQuery, WorkspaceStore } from './types';

interface WorkspaceDoc extends Document {
  _id: string;
  status: string;
  site: string;
  host: string;
  last_seen_s: number;
  state: WorkspaceState;
}

/** Short: a cycle waits at most this long on a MongoDB that is gone before it counts the write as failed. */
const SERVER_SELECTION_TIMEOUT_MS = 2000;

export class MongoWorkspaceStore implements WorkspaceStore {
  readonly kind = 'mongodb' as const;
  private readonly workspaces: Collection<WorkspaceDoc>;
  private indexes: Promise<void> | undefined;

  /**
   * Does not connect. `retryWrites` and the replica-set options of the URL pass through to the driver unchanged (the
   * driver retries a write once on a primary step-down when the URL allows it, which is its default).
   */
  constructor(
    private readonly client: MongoClient,
    database: string,
    collection = 'workspaces'
  ) {
    this.workspaces = client.db(database).collection<WorkspaceDoc>(collection);
  }

  static open(url: string, database: string, collection?: string): MongoWorkspaceStore {
    // ignoreUndefined: absent optional fields stay absent (as in the SQLite store's JSON), not null
    const client = new MongoClient(url, {
      serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
      ignoreUndefined: true,
    });
    return new MongoWorkspaceStore(client, database, collection);
  }

  /**
   * Connects and creates the indexes once; a failure is retried on the next call. The explicit connect matters: after
   * a failed implicit connect the driver reports its topology closed for good.
   */
  private ready(): Promise<void> {
    this.indexes ??= this.client
      .connect()
      .then(() => this.workspaces.createIndexes([{ key: { status: 1, site: 1 } }, { key: { last_seen_s: 1 } }]))
      .then(() => undefined)
      .catch((err: unknown) => {
        this.indexes = undefined;
        throw err;
      });
    return this.indexes;
  }

  async loadOpenWorkspaces(): Promise<WorkspaceState[]> {
    return this.listWorkspaces({ status: ['active', 'missing'] });
  }

  async getWorkspace(id: string): Promise<WorkspaceState | undefined> {
    await this.ready();
    const doc = await this.workspaces.findOne({ _id: id });
    return doc?.state;
  }

  async saveWorkspaces(states: readonly WorkspaceState[]): Promise<void> {
    if (states.length === 0) return;
    await this.ready();
    // whole-state replaces keyed by id: writing the same batch again leaves the same documents
    await this.workspaces.bulkWrite(
      states.map((s) => ({
        replaceOne: {
          filter: { _id: s.id },
          replacement: { status: s.status, site: s.site, host: s.host, last_seen_s: s.lastSeenSeconds, state: s },
          upsert: true,
        },
      })),
      { ordered: false }
    );
  }

  async listWorkspaces(query: WorkspaceQuery = {}): Promise<WorkspaceState[]> {
    await this.ready();
    const filter: Document = {};
    if (query.status?.length) filter.status = { $in: [...query.status] };
    if (query.site !== undefined) filter.site = query.site;
    const docs = await this.workspaces.find(filter).sort({ _id: 1 }).toArray();
    return docs.map((d) => d.state);
  }

  async ping(): Promise<void> {
    await this.client.db('admin').command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
