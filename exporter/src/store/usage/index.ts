import type { Config } from '../../config';
import { MongoUsageStore } from './mongodb';
import { SqliteUsageStore } from './sqlite';
import type { UsageStore } from './types';

export * from './types';
export { SqliteUsageStore } from './sqlite';
export { MongoUsageStore } from './mongodb';

/** MongoDB when store.mongodb.url is set, else the SQLite file. */
export async function openUsageStore(config: Pick<Config, 'store'>): Promise<UsageStore> {
  const m = config.store.mongodb;
  return m.url ? MongoUsageStore.connect(m.url, m.database) : SqliteUsageStore.open(config.store.sqlite.path);
}
