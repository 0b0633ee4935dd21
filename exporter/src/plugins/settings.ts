import fp from 'fastify-plugin';
import type { LoadedConfig } from '../config';
import './types';

export default fp<{ loaded: LoadedConfig }>(
  async (app, opts) => {
    app.decorate('settings', opts.loaded);
  },
  { name: 'settings' },
);
