import negotiate from '@fastify/accept-negotiator';

/** The two exposition formats /metrics speaks: Prometheus text 0.0.4 and OpenMetrics 1.0.0. */
export const EXPOSITION_FORMATS = ['text', 'openmetrics'] as const;
export type ExpositionFormat = (typeof EXPOSITION_FORMATS)[number];

interface MediaRange {
  type: string;
  version: string | undefined;
  q: number;
}

function parseRange(part: string): MediaRange | undefined {
  const [type, ...params] = part.split(';').map((s) => s.trim());
  if (!type) return undefined;
  let q = 1;
  let version: string | undefined;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const key = p.slice(0, eq).trim().toLowerCase();
    const value = p
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (key === 'q') q = Number.isFinite(Number(value)) ? Number(value) : 0;
    else if (key === 'version') version = value;
  }
  return { type: type.toLowerCase(), version, q };
}

/** What a range gives: OpenMetrics only for the versions prom-client writes the syntax of, text for text or any. */
function formatOf(r: MediaRange): ExpositionFormat | undefined {
  if (r.type === 'application/openmetrics-text')
    return r.version === undefined || r.version === '1.0.0' || r.version === '0.0.1' ? 'openmetrics' : undefined;
  if (r.type === 'text/plain') return r.version === undefined || r.version === '0.0.4' ? 'text' : undefined;
  if (r.type === '*/*' || r.type === 'text/*') return 'text';
  return undefined;
}

/**
 * The format a scraper asked for in its Accept header: the highest-q range /metrics can serve, the first on a tie,
 * text when nothing matches. Parameters other than `version` and `q` (Prometheus 3 adds `escaping`) are ignored,
 * so general media-type negotiators, which require every parameter to match, would pick the wrong one here.
 */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (!accept) return 'text';
  let best: { format: ExpositionFormat; q: number } | undefined;
  for (const part of accept.split(',')) {
    const r = parseRange(part);
    if (!r || r.q <= 0) continue;
    const format = formatOf(r);
    if (format && (!best || r.q > best.q)) best = { format, q: r.q };
  }
  return best?.format ?? 'text';
}

/** Whether the response may be gzipped: gzip is acceptable and preferred over identity. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  return negotiate(acceptEncoding, ['gzip', 'identity']) === 'gzip';
}
