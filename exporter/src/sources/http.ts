// One HTTP round trip for the data sources: axios with a hard overall deadline, the body kept as text so each
// source does its own JSON parsing and can tell "garbage" apart from "HTTP error".
import type { Agent as HttpsAgent } from 'node:https';
import axios, { AxiosError } from 'axios';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** already encoded body (e.g. application/x-www-form-urlencoded) */
  body?: string;
  timeoutSeconds: number;
  httpsAgent?: HttpsAgent;
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
    readonly durationSeconds: number,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Resolves for every HTTP status; rejects only with TransportError (no response, or deadline passed). */
export async function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const started = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  const timeoutMs = Math.max(1, Math.round(req.timeoutSeconds * 1000));
  // axios' own `timeout` is a socket-idle timer in Node; the AbortController bounds the whole exchange.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const res = await axios.request<string>({
      method: req.method,
      url: req.url,
      headers: req.headers,
      data: req.body,
      httpsAgent: req.httpsAgent,
      signal: controller.signal,
      timeout: timeoutMs,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxContentLength: 512 * 1024 * 1024,
    });
    const contentType = String(res.headers['content-type'] ?? '');
    return { status: res.status, contentType, text: typeof res.data === 'string' ? res.data : String(res.data ?? ''), durationSeconds: elapsed() };
  } catch (err) {
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

/** Joins a base URL (possibly with a path prefix, with or without trailing slash) and an absolute API path. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

/** Short printable excerpt of a response body for error messages. */
export function excerpt(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
