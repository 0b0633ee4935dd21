import type { Config } from '../../config';
import { SqliteUsageStore } from './sqlite';
import type { UsageStore } from './types';

export * from './types';
export { SqliteUsageStore } from './sqlite';

/** MongoDB when store.mongodb.url is set (the driver is loaded only then), else the SQLite file. */
export async function openUsageStore(config: Pick<Config, 'store'>): Promise<UsageStore> {
  const m = config.store.mongodb;
  if (!m.url) return SqliteUsageStore.open(config.store.sqlite.path);
  const { MongoUsageStore } = await import('./mongodb');
  // opened without connecting: a MongoDB that is down at start must not stop serve
  return MongoUsageStore.open(m.url, m.database);
}
