import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadRequest } from '../history/report';

export { BadRequest };

/** Answers a BadRequest with a 400 naming what is wrong; anything else goes on to the app's error handler. */
export function sendBadRequest(reply: FastifyReply, err: unknown) {
  if (err instanceof BadRequest) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: err.message });
  throw err;
}

/**
 * Compares two tokens in time that depends on neither their length nor their content: both are hashed to SHA-256
 * digests of the same length first, so timingSafeEqual never sees (or leaks) differing lengths.
 */
export function tokensEqual(given: string, want: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(want, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** With a configured API token, per-user data needs `Authorization: Bearer <token>`. */
export function hasApiToken(token: string | undefined, req: FastifyRequest): boolean {
  if (!token) return true;
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return tokensEqual(m?.[1]?.trim() ?? '', token);
}

export function sendUnauthorized(reply: FastifyReply, what: string) {
  return reply.code(401).header('WWW-Authenticate', 'Bearer')
    .send({ statusCode: 401, error: 'Unauthorized', message: `${what} needs the API token (Authorization: Bearer ...)` });
}
