// Authentication: every request gets an identity from one constant-time bearer check; routes that serve per-user
// data declare it in their config (`perUser`) and one preHandler answers 401 for them.
import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import './types';
import { settle } from '../util/settle';

/** Who is asking. `admin` may read every user's data; a per-user identity (a user the proxy vouches for) adds `user`. */
export interface Identity {
  admin: boolean;
  user?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    identity: Identity;
  }
  interface FastifyContextConfig {
    /** what the route's per-user answer is called in its 401 ("per-user usage"); set on routes taking level=user */
    perUser?: string;
  }
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

/** With a configured API token, `Authorization: Bearer <token>` makes an admin; without one everyone is. */
export function hasApiToken(token: string | undefined, req: Pick<FastifyRequest, 'headers'>): boolean {
  if (!token) return true;
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return tokensEqual(m?.[1]?.trim() ?? '', token);
}

/** The level a request asks for, from its query or path (validated by the route's schema by then). */
const levelOf = (req: FastifyRequest): unknown =>
  (req.query as { level?: unknown } | undefined)?.level ?? (req.params as { level?: unknown } | undefined)?.level;

export default fp(
  (app) =>
    settle(() => {
      const token = app.settings.secrets.apiToken;
      app.decorateRequest('identity', null as unknown as Identity);
      app.addHook('onRequest', (req, _reply, done) => {
        req.identity = { admin: hasApiToken(token, req) };
        done();
      });
      app.addHook('preHandler', async (req, reply) => {
        const what = req.routeOptions.config.perUser;
        if (what === undefined || levelOf(req) !== 'user' || req.identity.admin) return;
        reply.header('WWW-Authenticate', 'Bearer');
        throw app.httpErrors.unauthorized(`${what} needs the API token (Authorization: Bearer ...)`);
      });
    }),
  { name: 'auth', dependencies: ['settings', '@fastify/sensible'] }
);
