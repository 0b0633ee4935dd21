import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import sensible from '@fastify/sensible';
import compress from '@fastify/compress';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { LoadedConfig } from './config';
import type { PrometheusClient } from './sources/prometheus';
import type { CarbonIntensityClient } from './sources/carbon';
import type { WorkspaceStore } from './store/types';
import settings from './plugins/settings';
import auth from './plugins/auth';
import sources from './plugins/sources';
import store from './plugins/store';
import ownership from './plugins/ownership';
import tracking from './plugins/tracking';
import forecast from './plugins/forecast';
import healthRoutes from './routes/health';
import metricsRoute from './routes/metrics';
import workspacesRoutes from './routes/workspaces';
import greenRoutes from './routes/green';
import history from './plugins/history';
import usageRoutes from './routes/usage';
import { methodNotAllowed } from './routes/methods';
import { installErrorHandler } from './http/errors';
import { AJV_OPTIONS, schemaErrorFormatter } from './http/validation';

export interface AppOptions {
  loaded: LoadedConfig;
  /** run tracking cycles on the interval once ready (the serve command); off in tests that drive cycles */
  autoStart?: boolean;
  /** unix seconds; tests run cycles at past instants */
  clock?: () => number;
  /** clearly marked test doubles or pre-built clients */
  prometheus?: PrometheusClient;
  carbon?: CarbonIntensityClient;
  store?: WorkspaceStore;
  logger?: FastifyServerOptions['logger'];
}

/** Plugins first, then routes; one error handler. server.ts only boots this. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    ajv: { customOptions: AJV_OPTIONS },
    schemaErrorFormatter,
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(sensible);
  // API answers gzip or deflate when asked; /metrics gzips its own cached body
  await app.register(compress, { encodings: ['gzip', 'deflate'] });
  await app.register(settings, { loaded: opts.loaded });
  await app.register(auth);
  await app.register(sources, { prometheus: opts.prometheus, carbon: opts.carbon, clock: opts.clock });
  await app.register(store, { store: opts.store });
  await app.register(ownership, { autoStart: opts.autoStart, clock: opts.clock });
  await app.register(tracking, { autoStart: opts.autoStart, clock: opts.clock });
  await app.register(forecast, { autoStart: opts.autoStart, clock: opts.clock });
  await app.register(history, { autoStart: opts.autoStart });

  installErrorHandler(app);
  // 405 with Allow for a known path asked with the wrong method, 404 for an unknown one; before the routes are added
  app.setNotFoundHandler(methodNotAllowed(app));

  await app.register(metricsRoute);
  await app.register(healthRoutes);
  await app.register(workspacesRoutes);
  await app.register(greenRoutes);
  await app.register(usageRoutes);
  return app;
}
