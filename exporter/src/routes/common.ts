import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadRequest } from '../history/report';

export { BadRequest };

/** Answers a BadRequest with a 400 naming what is wrong; anything else goes on to the app's error handler. */
export function sendBadRequest(reply: FastifyReply, err: unknown) {
  if (err instanceof BadRequest) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: err.message });
  throw err;
}

/** With a configured API token, per-user data needs `Authorization: Bearer <token>` (compared in constant time). */
export function hasApiToken(token: string | undefined, req: FastifyRequest): boolean {
  if (!token) return true;
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  const given = Buffer.from(m?.[1]?.trim() ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export function sendUnauthorized(reply: FastifyReply, what: string) {
  return reply.code(401).header('WWW-Authenticate', 'Bearer')
    .send({ statusCode: 401, error: 'Unauthorized', message: `${what} needs the API token (Authorization: Bearer ...)` });
}
