import type { FastifyPluginAsync } from 'fastify';
import '../plugins/types';
import { settle } from '../util/settle';

const metricsRoute: FastifyPluginAsync = (app) =>
  settle(() => {
    app.get('/metrics', { logLevel: 'warn' }, async (_req, reply) => {
      const body = await app.metrics.render();
      return reply.type(app.metrics.registry.contentType).send(body);
    });
  });
export default metricsRoute;
