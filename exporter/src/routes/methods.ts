import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

interface KnownPath {
  pattern: RegExp;
  methods: Set<string>;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A route URL as a whole-path matcher: `:param` is one segment, a trailing `*` is the rest. */
function urlPattern(url: string): RegExp {
  const body = url
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : escape(seg)))
    .join('/');
  return new RegExp(`^${body}$`);
}

/**
 * Collects the methods of every route as it is added (an onRoute hook, so it must be installed before the routes) and
 * answers, in place of the not-found handler, 405 with `Allow` for a known path asked with another method; 404 else.
 */
export function methodNotAllowed(app: FastifyInstance): (req: FastifyRequest, reply: FastifyReply) => FastifyReply {
  const known = new Map<string, KnownPath>();
  app.addHook('onRoute', (route: RouteOptions) => {
    const entry = known.get(route.url) ?? { pattern: urlPattern(route.url), methods: new Set<string>() };
    for (const m of [route.method].flat()) entry.methods.add(m.toUpperCase());
    // Fastify answers HEAD for every GET route (exposeHeadRoutes)
    if (entry.methods.has('GET')) entry.methods.add('HEAD');
    known.set(route.url, entry);
  });

  return (req, reply) => {
    const pathname = req.url.split('?')[0] ?? req.url;
    const allowed = new Set<string>();
    for (const { pattern, methods } of known.values()) {
      if (pattern.test(pathname)) for (const m of methods) allowed.add(m);
    }
    if (allowed.size > 0 && !allowed.has(req.method)) {
      const rank = (m: string): string => (m === 'GET' ? '0' : m === 'HEAD' ? '1' : `2${m}`);
      const allow = [...allowed].sort((a, b) => rank(a).localeCompare(rank(b))).join(', ');
      return reply
        .code(405)
        .header('Allow', allow)
        .send({
          statusCode: 405,
          error: 'Method Not Allowed',
          message: `${req.method} is not allowed on ${pathname}; use ${allow}`,
        });
    }
    return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no route ${req.method} ${req.url}` });
  };
}
