import fp from 'fastify-plugin';
import { createMetrics } from '../metrics/registry';
import { Tracker } from '../tracking/tracker';
import { VERSION } from '../version';
import './types';
import { settle } from '../util/settle';

export interface TrackingOptions {
  /** run cycles on the configured interval once the app is ready (serve); tests drive refresh() themselves */
  autoStart?: boolean;
  clock?: () => number;
}

export default fp<TrackingOptions>(
  (app, opts) =>
    settle(() => {
      const metrics = createMetrics(
        () => tracker.snapshot,
        VERSION,
        () => app.carbon.stats,
        { userLabel: app.settings.config.metrics.userLabel, perWorkspace: app.settings.config.metrics.perWorkspace }
      );
      const owners = app.hasDecorator('ownership') ? app.ownership.refresher : undefined;
      // render the new exposition off the scrape path
      const warm = (): void => {
        setImmediate(() => void metrics.warm().catch((err) => app.log.error({ err }, 'rendering /metrics failed')));
      };
      const tracker = new Tracker({
        config: app.settings.config,
        prometheus: app.prometheus,
        carbon: app.carbon,
        store: app.store,
        clock: opts.clock,
        ownership: owners && (() => ({ records: owners.current, status: owners.status })),
        onCycle: (c) => {
          metrics.onCycle(c);
          warm();
        },
        onRepublish: warm,
        logger: app.log,
      });
      app.decorate('metrics', metrics);
      app.decorate('tracker', tracker);
      if (opts.autoStart) app.addHook('onReady', () => tracker.start());
      // stop before the store plugin closes the database (onClose hooks run in reverse order)
      app.addHook('onClose', () => tracker.stop());
    }),
  { name: 'tracking', dependencies: ['settings', 'sources', 'store'] }
);
