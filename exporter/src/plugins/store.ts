import fp from 'fastify-plugin';
import { SqliteWorkspaceStore } from '../store/sqlite';
import type { WorkspaceStore } from '../store/types';
import './types';
import { settle } from '../util/settle';

/** The store, closed with the app. A test may hand in its own. */
export default fp<{ store?: WorkspaceStore }>(
  (app, opts) =>
    settle(() => {
      const store = opts.store ?? SqliteWorkspaceStore.open(app.settings.config.store.sqlite.path);
      app.decorate('store', store);
      app.addHook('onClose', async () => {
        await store.close();
      });
    }),
  { name: 'store', dependencies: ['settings'] }
);
