// One HTTP round trip for the data sources: axios with a hard overall deadline, the body kept as text so each
// source does its own JSON parsing and can tell "garbage" apart from "HTTP error" (or handed over as it arrives).
import type { Agent as HttpsAgent } from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import axios, { AxiosError } from 'axios';
import { slicer } from '../tracking/slices';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** already encoded body (e.g. application/x-www-form-urlencoded, or protobuf bytes) */
  body?: string | Buffer;
  timeoutSeconds: number;
  httpsAgent?: HttpsAgent;
  /** largest body accepted; default 512 MiB */
  maxBytes?: number;
  /** how redirects are followed; default: up to axios' limit, anywhere */
  redirects?: RedirectPolicy;
  /**
   * Takes a 2xx body piece by piece as it arrives (awaited: the socket waits while it works), instead of the text:
   * the response's text is then ''. What it throws rejects the request unchanged. Other statuses are text as ever.
   */
  onBody?: (piece: Buffer) => void | Promise<void>;
}

export interface RedirectPolicy {
  /** hops followed before giving up */
  max: number;
  /** called before each hop is requested; what it throws refuses the hop and becomes the request's rejection */
  check: (targetUrl: string, status: number) => void;
}

export interface HttpResponse {
  status: number;
  contentType: string;
  text: string;
  durationSeconds: number;
}

export class TransportError extends Error {
  constructor(
    readonly kind: 'network' | 'timeout',
    message: string,
    readonly durationSeconds: number
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/**
 * One overall deadline for an exchange: axios' own `timeout` is a socket-idle timer in Node, so an AbortController
 * fired by a timer bounds the whole exchange.
 */
function deadline(timeoutSeconds: number) {
  const started = process.hrtime.bigint();
  const timeoutMs = Math.max(1, Math.round(timeoutSeconds * 1000));
  const controller = new AbortController();
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    controller.abort();
  }, timeoutMs);
  return {
    timeoutMs,
    controller,
    elapsed: (): number => Number(process.hrtime.bigint() - started) / 1e9,
    timedOut: (): boolean => fired,
    clear: (): void => clearTimeout(timer),
  };
}

/**
 * Resolves for every HTTP status; rejects with TransportError (no response, or deadline passed, or a body over
 * maxBytes), or with what the redirect policy or `onBody` threw.
 */
export async function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const { elapsed, timeoutMs, controller, timedOut, clear } = deadline(req.timeoutSeconds);
  let refusal: { err: unknown } | undefined;
  /** thrown while reading the body (over maxBytes, or by onBody): passed on as it is */
  let bodyError: { err: unknown } | undefined;
  const redirects = req.redirects;
  const maxBytes = req.maxBytes ?? 512 * 1024 * 1024;
  try {
    const res = await axios.request<NodeJS.ReadableStream>({
      method: req.method,
      url: req.url,
      headers: req.headers,
      data: req.body,
      httpsAgent: req.httpsAgent,
      signal: controller.signal,
      timeout: timeoutMs,
      // read as it arrives, each piece decoded on its own: axios' text mode joins and decodes megabytes in one go
      // when the answer ends, which holds the event loop (several answers can end in the same turn)
      responseType: 'stream',
      validateStatus: () => true,
      ...(redirects && {
        maxRedirects: redirects.max,
        // follow-redirects calls this before requesting the hop; throwing here aborts the exchange
        beforeRedirect: (options: HopOptions, response: { statusCode: number }) => {
          try {
            redirects.check(hopUrl(options), response.statusCode);
          } catch (err) {
            refusal = { err };
            throw err;
          }
        },
      }),
    });
    const contentType = String(res.headers['content-type'] ?? '');
    const consume = res.status >= 200 && res.status <= 299 ? req.onBody : undefined;
    const decoder = new StringDecoder('utf8');
    let text = '';
    let bytes = 0;
    // pieces already buffered come one after another without a turn of the loop: a turn every few ms
    const pause = slicer();
    for await (const chunk of res.data) {
      const piece = chunk as Buffer;
      bytes += piece.length;
      try {
        if (bytes > maxBytes) throw new TransportError('network', `answer larger than ${maxBytes} bytes`, elapsed());
        if (consume) await consume(piece);
        else text += decoder.write(piece);
      } catch (err) {
        bodyError = { err };
        controller.abort();
        throw err;
      }
      const turn = pause();
      if (turn) await turn;
    }
    text += decoder.end();
    return { status: res.status, contentType, text, durationSeconds: elapsed() };
  } catch (err) {
    if (refusal) throw refusal.err;
    if (bodyError) throw bodyError.err;
    const ax = err as AxiosError;
    const code = ax.code ?? '';
    if (timedOut() || code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
      throw new TransportError('timeout', `timed out after ${req.timeoutSeconds}s`, elapsed());
    }
    const cause = ax.cause && 'code' in ax.cause && typeof ax.cause.code === 'string' ? ax.cause.code : undefined;
    const detail = [code, cause && cause !== code ? cause : undefined].filter(Boolean).join('/');
    throw new TransportError('network', `${ax.message || 'request failed'}${detail ? ` (${detail})` : ''}`, elapsed());
  } finally {
    clear();
  }
}

/** The fields of follow-redirects' hop options that name the URL. */
interface HopOptions {
  href?: unknown;
  protocol?: string;
  hostname?: string;
  port?: string | number;
  path?: string;
}

/** URL of the hop follow-redirects is about to make; it has already resolved Location into these options. */
function hopUrl(options: HopOptions): string {
  if (typeof options.href === 'string') return options.href;
  const port = options.port === '' || options.port === undefined ? '' : `:${options.port}`;
  return `${options.protocol}//${options.hostname}${port}${options.path ?? '/'}`;
}

/** Joins a base URL (possibly with a path prefix, with or without trailing slash) and an absolute API path. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

/** Short printable excerpt of a response body for error messages. */
export function excerpt(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
