import fp from 'fastify-plugin';
import type { LoadedConfig } from '../config';
import './types';
import { settle } from '../util/settle';

export default fp<{ loaded: LoadedConfig }>(
  (app, opts) =>
    settle(() => {
      app.decorate('settings', opts.loaded);
    }),
  { name: 'settings' }
);
