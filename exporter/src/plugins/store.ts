import fp from 'fastify-plugin';
import { MongoWorkspaceStore } from '../store/mongodb';
import { SqliteWorkspaceStore } from '../store/sqlite';
import type { WorkspaceStore } from '../store/types';
import './types';
import { settle } from '../util/settle';

/**
 * The store, closed with the app: MongoDB when `store.mongodb.url` is set (opened without connecting, so a MongoDB
 * that is down never blocks start), else the SQLite file. A test may hand in its own.
 */
export default fp<{ store?: WorkspaceStore }>(
  (app, opts) =>
    settle(() => {
      const { sqlite, mongodb } = app.settings.config.store;
      const store =
        opts.store ??
        (mongodb.url !== undefined
          ? MongoWorkspaceStore.open(mongodb.url, mongodb.database)
          : SqliteWorkspaceStore.open(sqlite.path));
      app.decorate('store', store);
      app.addHook('onClose', async () => {
        await store.close();
      });
    }),
  { name: 'store', dependencies: ['settings'] }
);
