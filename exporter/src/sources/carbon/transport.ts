// The carbon client's GET: the deadline and text body of ../http.ts plus a redirect policy, which http.ts does not
// expose. Only the configured origin is trusted: a redirect elsewhere could hand us any server's numbers.
import axios, { AxiosError } from 'axios';
import { HttpResponse, TransportError } from '../http';
import { CarbonIntensityError } from './errors';

/** Same-origin hops followed before giving up; the API itself never redirects, so a few is plenty. */
const MAX_REDIRECTS = 3;

export interface TrustedGet {
  url: string;
  /** scheme://host[:port] that every hop must stay on */
  origin: string;
  headers: Record<string, string>;
  timeoutSeconds: number;
}

/**
 * Resolves for every HTTP status. Rejects with TransportError (no response, deadline) or CarbonIntensityError
 * 'redirect' (a hop to another origin, which is never requested).
 */
export async function trustedGet(req: TrustedGet): Promise<HttpResponse> {
  const started = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  const timeoutMs = Math.max(1, Math.round(req.timeoutSeconds * 1000));
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const res = await axios.request<string>({
      method: 'GET', url: req.url, headers: req.headers, signal: controller.signal, timeout: timeoutMs,
      responseType: 'text', transformResponse: [(data: unknown) => data], validateStatus: () => true,
      maxContentLength: 64 * 1024 * 1024,
      maxRedirects: MAX_REDIRECTS,
      // A same-origin hop is the server we were told to trust moving a path; a hop elsewhere is refused before
      // it is requested. Throwing here makes follow-redirects abort the exchange with this error as the cause.
      beforeRedirect: (options, response) => {
        const target = hopOrigin(options);
        if (target !== req.origin) {
          throw new CarbonIntensityError('redirect', `HTTP ${response.statusCode} redirect to ${target} refused: only ${req.origin} is trusted`);
        }
      },
    });
    const contentType = String(res.headers['content-type'] ?? '');
    return { status: res.status, contentType, text: typeof res.data === 'string' ? res.data : String(res.data ?? ''), durationSeconds: elapsed() };
  } catch (err) {
    const refused = causeOf(err);
    if (refused) throw refused;
    const ax = err as AxiosError;
    const code = ax.code ?? '';
    if (timedOut || code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
      throw new TransportError('timeout', `timed out after ${req.timeoutSeconds}s`, elapsed());
    }
    const cause = (ax.cause as NodeJS.ErrnoException | undefined)?.code;
    const detail = [code, cause && cause !== code ? cause : undefined].filter(Boolean).join('/');
    throw new TransportError('network', `${ax.message || 'request failed'}${detail ? ` (${detail})` : ''}`, elapsed());
  } finally {
    clearTimeout(timer);
  }
}

/** scheme://host[:port] of a URL, the port omitted when it is the scheme's default (as URL.origin does). */
export function originOf(url: string): string {
  return new URL(url).origin;
}

/** Origin of the hop follow-redirects is about to make; it has already resolved Location into these options. */
function hopOrigin(options: Record<string, unknown>): string {
  if (typeof options.href === 'string') return originOf(options.href);
  const port = options.port === '' || options.port === undefined ? '' : `:${String(options.port)}`;
  return originOf(`${String(options.protocol)}//${String(options.hostname)}${port}`);
}

/** The redirect refusal thrown in beforeRedirect, found under the axios and follow-redirects wrappers. */
function causeOf(err: unknown): CarbonIntensityError | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof CarbonIntensityError) return e;
  }
  return undefined;
}
