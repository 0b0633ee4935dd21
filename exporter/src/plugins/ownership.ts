// Wires the ownership records into the app: one refresher for the configured source (file or MongoDB), read when
// the app is ready and every ownership.refreshSeconds in serve, stopped on close. The domain code lives in ownership/.
import fp from 'fastify-plugin';
import { loadOwnership, ownershipSettings, OwnershipRefresher, type OwnershipSettings } from '../ownership';
import './types';
import { settle } from '../util/settle';

export interface OwnershipService {
  settings: OwnershipSettings;
  /** undefined when no ownership source is configured */
  refresher?: OwnershipRefresher;
}

declare module 'fastify' {
  interface FastifyInstance {
    ownership: OwnershipService;
  }
}

export interface OwnershipPluginOptions {
  /** refresh on the configured interval once ready (serve); tests call refresher.refresh() themselves */
  autoStart?: boolean;
  clock?: () => number;
}

export default fp<OwnershipPluginOptions>(
  (app, opts) =>
    settle(() => {
      const settings = ownershipSettings(app.settings.config);
      if (settings.deprecation) app.log.warn(settings.deprecation);
      const { source } = settings;
      const refresher = source
        ? new OwnershipRefresher({
            load: () => loadOwnership(source),
            refreshSeconds: settings.refreshSeconds,
            name: source.kind === 'file' ? source.file : `mongodb collection ${source.collection}`,
            log: app.log,
            clock: opts.clock,
          })
        : undefined;
      app.decorate('ownership', { settings, refresher });
      if (!refresher) return;
      // the first read before the first tracking cycle; a failure only leaves the owners unknown until the next one
      app.addHook('onReady', async () => {
        await refresher.refresh();
        if (opts.autoStart) refresher.start();
      });
      app.addHook('onClose', () => refresher.stop());
    }),
  { name: 'ownership', dependencies: ['settings'] }
);
