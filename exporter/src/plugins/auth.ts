// Identity and access: every request gets an identity from constant-time bearer checks (admin token, proxy token) and,
// on a proxy-token request only, the user header. Routes that serve per-user data declare it in their config
// (`perUser`); one preHandler answers 401 (no identity) or 403 (another user's data) for them.
import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import './types';
import { settle } from '../util/settle';
import { readUserHeader } from '../http/userHeader';

/** How a request was identified. `open`: no token is configured, so everyone is an admin (a local trial). */
export type IdentityVia = 'open' | 'admin-token' | 'proxy' | 'anonymous';

/** Who is asking. `admin` may read every user's data; a user the proxy vouches for adds `user`. */
export interface Identity {
  admin: boolean;
  user?: string;
  via: IdentityVia;
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

/** The token of `Authorization: Bearer <token>` (scheme in any case, surrounding spaces trimmed); '' when absent. */
export function bearerOf(req: Pick<FastifyRequest, 'headers'>): string {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1]?.trim() ?? '';
}

/** With a configured API token, `Authorization: Bearer <token>` makes an admin; without one everyone is. */
export function hasApiToken(token: string | undefined, req: Pick<FastifyRequest, 'headers'>): boolean {
  if (!token) return true;
  return tokensEqual(bearerOf(req), token);
}

export interface AuthSettings {
  adminToken?: string;
  proxyToken?: string;
  userHeader: string;
  admins: readonly string[];
}

/** Thrown for a user header that cannot name one user (two headers, too long, a comma or a control character). */
export class BadUserHeader extends Error {}

/**
 * The identity of a request. Both tokens are always compared, so the time taken does not say which one matched; the
 * user header is read only when the proxy token matched, so a forged header on any other request is ignored.
 */
export function identify(s: AuthSettings, req: Pick<FastifyRequest, 'headers' | 'raw'>): Identity {
  if (!s.adminToken && !s.proxyToken) return { admin: true, via: 'open' };
  const given = bearerOf(req);
  const isAdmin = s.adminToken !== undefined && tokensEqual(given, s.adminToken);
  const isProxy = s.proxyToken !== undefined && tokensEqual(given, s.proxyToken);
  if (given !== '' && isAdmin) return { admin: true, via: 'admin-token' };
  if (given === '' || !isProxy) return { admin: false, via: 'anonymous' };
  const read = readUserHeader(req.raw.rawHeaders, s.userHeader);
  if (!read.ok) throw new BadUserHeader(read.reason);
  // the proxy's own requests without a signed-in user (an anonymous Grafana viewer) see what anyone sees
  if (read.user === undefined) return { admin: false, via: 'anonymous' };
  return { admin: s.admins.includes(read.user), user: read.user, via: 'proxy' };
}

/** The level and key a request asks for, from its query or path (validated by the route's schema by then). */
const askedFor = (req: FastifyRequest): { level?: unknown; key?: unknown } => {
  const q = (req.query ?? {}) as { level?: unknown; key?: unknown };
  const p = (req.params ?? {}) as { level?: unknown; key?: unknown };
  return { level: q.level ?? p.level, key: q.key ?? p.key };
};

/** The user name an anonymous caller sees on a workspace. */
export const HIDDEN_USER = 'hidden';

/** Whether the identity may see this user's rows (their workspaces, idle list entries). */
export const maySee = (identity: Identity, user: string): boolean =>
  identity.admin || (identity.user !== undefined && identity.user === user);

export default fp(
  (app) =>
    settle(() => {
      const { config, secrets } = app.settings;
      const auth = config.server.auth;
      const settings: AuthSettings = {
        adminToken: secrets.apiToken,
        proxyToken: secrets.proxyToken,
        userHeader: auth.userHeader,
        admins: auth.admins,
      };
      if (config.server.apiToken !== undefined)
        app.log.warn('server.apiToken is deprecated: set server.auth.adminToken (ADA_CARBON_SERVER_AUTH_ADMIN_TOKEN)');
      app.decorateRequest('identity', null as unknown as Identity);
      app.addHook('onRequest', (req, _reply, done) => {
        try {
          req.identity = identify(settings, req);
        } catch (err) {
          req.identity = { admin: false, via: 'anonymous' };
          if (err instanceof BadUserHeader) return done(app.httpErrors.badRequest(err.message));
          return done(err as Error);
        }
        done();
      });
      app.addHook('preHandler', async (req, reply) => {
        const what = req.routeOptions.config.perUser;
        const { level, key } = askedFor(req);
        if (what === undefined || level !== 'user' || req.identity.admin) return;
        const self = req.identity.user;
        if (self === undefined) {
          reply.header('WWW-Authenticate', 'Bearer');
          throw app.httpErrors.unauthorized(
            `${what} needs the admin token, or the proxy token with the ${auth.userHeader} header (Authorization: Bearer ...)`
          );
        }
        if (key !== self)
          throw app.httpErrors.forbidden(`${what}: user ${JSON.stringify(self)} may read only their own`);
      });
    }),
  { name: 'auth', dependencies: ['settings', '@fastify/sensible'] }
);
