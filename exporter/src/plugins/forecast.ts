// Wires the forecast refresher and the greener-choices views into the app: the `green` decoration, its metrics and
// the refresh schedule. The domain code lives in green/.
import fp from 'fastify-plugin';
import { resolveMachineProfile } from '../config';
import { createGreenMetrics } from '../metrics/registry';
import type { PowerProfile } from '../model/power';
import { ForecastRefresher, memoSavings, tableFromConfig, type Equivalency, type SavingsView } from '../green';
import './types';
import { settle } from '../util/settle';

export interface GreenService {
  forecast: ForecastRefresher;
  equivalencies: readonly Equivalency[];
  profileFor: (machine: string) => PowerProfile;
  /** recomputed only when the tracking or forecast snapshot changed */
  savings(): SavingsView;
  clock: () => number;
}

declare module 'fastify' {
  interface FastifyInstance {
    green: GreenService;
  }
}

export interface ForecastPluginOptions {
  autoStart?: boolean;
  clock?: () => number;
}

export default fp<ForecastPluginOptions>(
  (app, opts) =>
    settle(() => {
      const { config } = app.settings;
      const clock = opts.clock ?? ((): number => Date.now() / 1000);
      const forecast = new ForecastRefresher(app.carbon, config, clock, app.log);
      const profiles = new Map<string, PowerProfile>();
      const profileFor = (machine: string): PowerProfile => {
        let p = profiles.get(machine);
        if (!p) profiles.set(machine, (p = resolveMachineProfile(config, machine)));
        return p;
      };
      const savings = memoSavings(
        () => app.tracker.snapshot,
        () => forecast.snapshot,
        {
          area: forecast.ownArea,
          profileFor,
          pue: config.pue,
          idleRatioThreshold: config.green.idleRatioThreshold,
          fallbackGramsPerKwh: config.carbonIntensity.fallbackGramsPerKwh,
          clock,
        }
      );
      const service: GreenService = {
        forecast,
        equivalencies: tableFromConfig(config.green.equivalencies),
        profileFor,
        savings,
        clock,
      };
      app.decorate('green', service);
      createGreenMetrics(app.metrics, { forecast: () => forecast.snapshot, savings, prepareSavings: savings.prepare });
      app.metrics.addVersionSource(() => forecast.snapshot.version);
      if (opts.autoStart) app.addHook('onReady', () => forecast.start());
      app.addHook('onClose', () => forecast.stop());
    }),
  { name: 'forecast', dependencies: ['settings', 'sources', 'tracking'] }
);
