// The one error handler: domain errors become 4xx, request validation a 400 naming the parameter, and anything else a
// 500 whose internals stay in the log.
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { InvalidQuery } from '../history/report';

type RequestError = Error & { statusCode?: number; validation?: unknown };

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((raw: RequestError, req, reply) => {
    // a domain error says what is wrong with the question; the HTTP layer decides it is the client's 400
    const err: RequestError = raw instanceof InvalidQuery ? app.httpErrors.badRequest(raw.message) : raw;
    const status = err.statusCode !== undefined && err.statusCode >= 400 ? err.statusCode : 500;
    const context = { method: req.method, url: req.url, route: req.routeOptions.url, statusCode: status };
    if (status >= 500) {
      req.log.error({ err, ...context }, 'request failed');
      return reply
        .code(status)
        .send({ statusCode: status, error: 'Internal Server Error', message: 'internal error; see the exporter log' });
    }
    req.log.info({ ...context, message: err.message }, 'request rejected');
    const message = err.validation ? `invalid request: ${err.message}` : err.message;
    return reply.code(status).send({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message });
  });
}
