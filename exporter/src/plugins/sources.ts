import fp from 'fastify-plugin';
import { PrometheusClient } from '../sources/prometheus';
import { CarbonIntensityClient } from '../sources/carbon';
import { VERSION } from '../version';
import './types';
import { settle } from '../util/settle';

export interface SourcesOptions {
  prometheus?: PrometheusClient;
  carbon?: CarbonIntensityClient;
  clock?: () => number;
}

/** The two upstream clients, built from the config unless a test hands in its own. */
export default fp<SourcesOptions>(
  (app, opts) =>
    settle(() => {
      const { config, secrets } = app.settings;
      if (!config.prometheus.url && !opts.prometheus) {
        throw new Error('prometheus.url is not set (the local stack sets it before the app starts)');
      }
      app.decorate(
        'prometheus',
        opts.prometheus ??
          new PrometheusClient({
            url: config.prometheus.url as string,
            bearerToken: secrets.prometheusBearerToken,
            basicAuth: secrets.prometheusBasicAuth,
            caCert: secrets.prometheusCaCert,
            insecureSkipVerify: config.prometheus.insecureSkipVerify,
            timeoutSeconds: config.prometheus.timeoutSeconds,
            retries: config.prometheus.retries,
            userAgent: `ada-carbon/${VERSION}`,
          })
      );
      app.decorate(
        'carbon',
        opts.carbon ??
          new CarbonIntensityClient({
            baseUrl: config.carbonIntensity.url,
            postcode: config.carbonIntensity.postcode,
            timeoutSeconds: config.carbonIntensity.timeoutSeconds,
            cacheSeconds: config.carbonIntensity.cacheSeconds,
            fallbackGramsPerKwh: config.carbonIntensity.fallbackGramsPerKwh,
            now: opts.clock,
          })
      );
    }),
  { name: 'sources', dependencies: ['settings'] }
);
