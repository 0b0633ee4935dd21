import type { FastifyPluginAsync } from 'fastify';
import '../plugins/types';
import { acceptsGzip, negotiateFormat } from '../metrics/negotiate';
import { settle } from '../util/settle';

const metricsRoute: FastifyPluginAsync = (app) =>
  settle(() => {
    // the body is gzipped here, once per rendering, so the generic compression hook must leave it alone
    app.get('/metrics', { logLevel: 'warn', compress: false }, async (req, reply) => {
      const format = negotiateFormat(req.headers.accept);
      const scrape = await app.metrics.scrape(format, acceptsGzip(req.headers['accept-encoding']));
      reply.header('Vary', 'Accept, Accept-Encoding').type(scrape.contentType);
      if (scrape.gzip) reply.header('Content-Encoding', 'gzip');
      return reply.send(scrape.body);
    });
  });
export default metricsRoute;
