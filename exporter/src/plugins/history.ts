import fp from 'fastify-plugin';
import { openHistory, type HistoryContext } from '../history/context';
import { HOUR_SECONDS } from '../history/types';
import type { UsageStore } from '../store/usage/types';
import './types';

declare module 'fastify' {
  interface FastifyInstance {
    history: HistoryContext;
  }
}

export interface HistoryPluginOptions {
  /** serve: estimate each hour once complete, and retry yesterday's failed hours, on history.intervalSeconds */
  autoStart?: boolean;
  clock?: () => number;
  store?: UsageStore;
}

/** The usage history (store, carbon cache, backfill runner); in serve, an hourly catch-up loop without a cron. */
export default fp<HistoryPluginOptions>(
  async (app, opts) => {
    const { config } = app.settings;
    const now = opts.clock ?? ((): number => Date.now() / 1000);
    const ctx = await openHistory({ config, prometheus: app.prometheus, carbon: app.carbon, store: opts.store, now });
    app.decorate('history', ctx);
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const tick = async (): Promise<void> => {
      const t = now();
      const yesterday = Math.floor(t / 86400) * 86400 - 86400;
      try {
        const s = await ctx.runner.run({
          fromSeconds: yesterday,
          toSeconds: Math.floor(t / HOUR_SECONDS) * HOUR_SECONDS,
        });
        if (s.hoursEstimated + s.hoursFailed > 0) app.log.info({ history: s }, 'usage history caught up');
      } catch (err) {
        app.log.error({ err }, 'usage history run failed; retrying next interval');
      }
    };
    if (opts.autoStart && config.history.enabled) {
      // tick logs its own failures, so the chain never rejects
      const loop = (): void => {
        void tick().then(() => {
          if (!stopped) timer = setTimeout(loop, config.history.intervalSeconds * 1000);
        });
      };
      app.addHook('onReady', () => {
        timer = setTimeout(loop, 1000);
      });
    }
    app.addHook('onClose', async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await ctx.close();
    });
  },
  { name: 'history', dependencies: ['settings', 'sources'] }
);
