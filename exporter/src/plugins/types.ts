import type { LoadedConfig } from '../config';
import type { PrometheusClient } from '../sources/prometheus';
import type { CarbonIntensityClient } from '../sources/carbon';
import type { WorkspaceStore } from '../store/types';
import type { Tracker } from '../tracking/tracker';
import type { ExporterMetrics } from '../metrics/registry';

declare module 'fastify' {
  interface FastifyInstance {
    settings: LoadedConfig;
    prometheus: PrometheusClient;
    carbon: CarbonIntensityClient;
    store: WorkspaceStore;
    tracker: Tracker;
    metrics: ExporterMetrics;
  }
}
