// Prometheus HTTP API client: instant/range queries as form POSTs (PromQL can be long), retries with jittered backoff.
import { Agent as HttpsAgent } from 'node:https';
import pRetry from 'p-retry';
import { compressSync } from 'snappy';
import { excerpt, httpRequest, joinUrl, TransportError } from '../http';
import {
  decodeChunkedReadResponse,
  encodeReadRequest,
  FrameReader,
  type ChunkedSeries,
  type ReadQuery,
} from './remoteRead/wire';
import { PrometheusError } from './errors';
import { runSliced } from '../../tracking/slices';
import {
  parseBuildInfoData,
  parseInstantSteps,
  parseRangeData,
  parseSeriesData,
  Sample,
  Series,
  unwrapEnvelopeSteps,
} from './parse';

export interface PrometheusClientOptions {
  /** base URL, may include a path prefix (e.g. https://host/prometheus) */
  url: string;
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
  /** PEM text of the CA bundle to trust */
  caCert?: string;
  insecureSkipVerify?: boolean;
  /** per HTTP request; also passed to Prometheus as the query timeout */
  timeoutSeconds: number;
  /** extra attempts on network errors, timeouts and 5xx (not on 4xx or bad_data) */
  retries: number;
  /** first backoff delay; doubles per attempt, with jitter. Default 200 */
  retryBaseDelayMs?: number;
  userAgent?: string;
}

export interface PrometheusClientStats {
  /** HTTP requests made, retries included */
  requests: number;
  /** HTTP requests that failed (each failed attempt counts) */
  failures: number;
  /** wall time of the last completed call, retries and backoff included */
  lastDurationSeconds: number;
}

/**
 * A Prometheus on this machine answers uncompressed: gzip would only spend CPU on both ends of the same cores
 * (the figures are in history/README.md).
 */
export function isLoopback(url: URL): boolean {
  const h = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

export class PrometheusClient {
  readonly stats: PrometheusClientStats = { requests: 0, failures: 0, lastDurationSeconds: 0 };
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly httpsAgent?: HttpsAgent;
  private readonly retryBaseDelayMs: number;

  constructor(private readonly opts: PrometheusClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(opts.url);
    } catch {
      throw new RangeError(`Prometheus url is not a URL: ${JSON.stringify(opts.url)}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new RangeError(`Prometheus url must be http or https: ${opts.url}`);
    }
    if (!(opts.timeoutSeconds > 0)) throw new RangeError(`timeoutSeconds must be > 0, got ${opts.timeoutSeconds}`);
    if (!Number.isInteger(opts.retries) || opts.retries < 0)
      throw new RangeError(`retries must be an integer >= 0, got ${opts.retries}`);
    if (opts.bearerToken && opts.basicAuth) throw new RangeError('set bearerToken or basicAuth, not both');
    this.baseUrl = opts.url;
    this.retryBaseDelayMs = opts.retryBaseDelayMs ?? 200;
    this.headers = { 'User-Agent': opts.userAgent ?? 'ada-carbon-exporter', Accept: 'application/json' };
    if (isLoopback(parsed)) this.headers['Accept-Encoding'] = 'identity';
    if (opts.bearerToken) this.headers.Authorization = `Bearer ${opts.bearerToken.trim()}`;
    if (opts.basicAuth) {
      const pair = `${opts.basicAuth.username}:${opts.basicAuth.password}`;
      this.headers.Authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
    }
    if (parsed.protocol === 'https:' && (opts.caCert || opts.insecureSkipVerify)) {
      this.httpsAgent = new HttpsAgent({
        keepAlive: true,
        ca: opts.caCert,
        rejectUnauthorized: !opts.insecureSkipVerify,
      });
    }
  }

  /** Instant query; a scalar result comes back as one Sample with no labels. */
  async instantQuery(expr: string, timeSeconds?: number): Promise<Sample[]> {
    const params: Record<string, string> = { query: expr };
    if (timeSeconds !== undefined) params.time = String(timeSeconds);
    const data = await this.call('POST', '/api/v1/query', params, expr);
    // decoded in slices: an answer of tens of thousands of series must not hold the event loop
    return runSliced(parseInstantSteps(data, expr));
  }

  /** Instant query of a range-vector selector (e.g. `x[30m]`): the raw samples of each series. */
  async instantMatrixQuery(expr: string, timeSeconds: number): Promise<Series[]> {
    const data = await this.call('POST', '/api/v1/query', { query: expr, time: String(timeSeconds) }, expr);
    return parseRangeData(data, expr);
  }

  /** Range query; see splitRange for windows beyond MAX_POINTS_PER_SERIES. */
  async rangeQuery(expr: string, startSeconds: number, endSeconds: number, stepSeconds: number): Promise<Series[]> {
    const params = { query: expr, start: String(startSeconds), end: String(endSeconds), step: String(stepSeconds) };
    const data = await this.call('POST', '/api/v1/query_range', params, expr);
    return parseRangeData(data, expr);
  }

  /** /api/v1/series: the label sets of the series matching any of `match` in [start, end], read from the index only. */
  async series(
    match: readonly string[],
    startSeconds: number,
    endSeconds: number
  ): Promise<Array<Record<string, string>>> {
    const params = new URLSearchParams({ start: String(startSeconds), end: String(endSeconds) });
    for (const m of match) params.append('match[]', m);
    const data = await this.call('POST', '/api/v1/series', params, match.join(' or '));
    return parseSeriesData(data, match.join(' or '));
  }

  async buildInfo(): Promise<{ version: string }> {
    return parseBuildInfoData(await this.call('GET', '/api/v1/status/buildinfo'));
  }

  /**
   * Remote read (/api/v1/read) with streamed XOR chunks: the stored samples of every series matching each query, no
   * PromQL evaluated (the server copies chunks; the caller decodes them). `onSeries` gets them frame by frame, awaited
   * (the socket waits meanwhile); a long series can come in several consecutive frames with the same labels. A
   * failure before the first frame arrived is retried like a query; one after it is not (the consumer has part of
   * the answer). A server without remote read answers 4xx: PrometheusError kind 'http' with that status.
   */
  async remoteRead(
    queries: readonly ReadQuery[],
    onSeries: (series: ChunkedSeries, queryIndex: number) => void | Promise<void>
  ): Promise<void> {
    const path = '/api/v1/read';
    const body = compressSync(Buffer.from(encodeReadRequest(queries)));
    const headers = {
      ...this.headers,
      Accept: 'application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse',
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'snappy',
      'X-Prometheus-Remote-Read-Version': '0.1.0',
    };
    let delivered = false;
    const started = process.hrtime.bigint();
    const once = async (): Promise<void> => {
      this.stats.requests++;
      const frames = new FrameReader();
      try {
        const res = await httpRequest({
          method: 'POST',
          url: joinUrl(this.baseUrl, path),
          headers,
          body,
          timeoutSeconds: this.opts.timeoutSeconds,
          httpsAgent: this.httpsAgent,
          onBody: async (bytes) => {
            for (const message of frames.push(bytes)) {
              delivered = true;
              const { series, queryIndex } = decodeChunkedReadResponse(message);
              for (const s of series) await onSeries(s, queryIndex);
            }
          },
        });
        if (res.status < 200 || res.status > 299)
          throw new PrometheusError('http', `Prometheus ${path}: HTTP ${res.status}: ${excerpt(res.text)}`, {
            status: res.status,
          });
        if (!res.contentType.startsWith('application/x-streamed-protobuf'))
          throw new PrometheusError('parse', `Prometheus ${path}: answered ${res.contentType}, not streamed chunks`, {
            status: res.status,
            retryable: false,
          });
        frames.end();
      } catch (err) {
        this.stats.failures++;
        if (err instanceof PrometheusError) throw err;
        const retryable = !delivered && err instanceof TransportError;
        const kind = err instanceof TransportError ? err.kind : 'parse';
        throw new PrometheusError(kind, `Prometheus ${path}: ${(err as Error).message}`, { retryable });
      }
    };
    try {
      await pRetry(once, {
        retries: this.opts.retries,
        minTimeout: this.retryBaseDelayMs / 2,
        factor: 2,
        randomize: true,
        shouldRetry: ({ error }) => !delivered && (error as PrometheusError).retryable,
      });
    } finally {
      this.stats.lastDurationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    }
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    params?: Record<string, string> | URLSearchParams,
    expr?: string
  ): Promise<unknown> {
    const started = process.hrtime.bigint();
    try {
      // The nth retry waits base * 2^(n-1), drawn from its upper half so retries from many exporters spread out.
      return await pRetry(() => this.once(method, path, params, expr), {
        retries: this.opts.retries,
        minTimeout: this.retryBaseDelayMs / 2,
        factor: 2,
        randomize: true,
        shouldRetry: ({ error }) => (error as PrometheusError).retryable,
      });
    } finally {
      this.stats.lastDurationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    }
  }

  private async once(
    method: 'GET' | 'POST',
    path: string,
    params?: Record<string, string> | URLSearchParams,
    expr?: string
  ): Promise<unknown> {
    this.stats.requests++;
    try {
      const headers = { ...this.headers };
      let body: string | undefined;
      if (params) {
        // let Prometheus abandon the evaluation when we stop waiting
        const form = new URLSearchParams(params);
        form.set('timeout', String(this.opts.timeoutSeconds));
        body = form.toString();
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
      }
      const res = await httpRequest({
        method,
        url: joinUrl(this.baseUrl, path),
        headers,
        body,
        timeoutSeconds: this.opts.timeoutSeconds,
        httpsAgent: this.httpsAgent,
      });
      // a large answer is parsed in slices, so that it never holds the event loop for long
      return await runSliced(unwrapEnvelopeSteps(res.status, res.text, expr));
    } catch (err) {
      this.stats.failures++;
      if (err instanceof PrometheusError) throw err;
      if (err instanceof TransportError) {
        throw new PrometheusError(err.kind, `Prometheus ${path}: ${err.message}`, { expr });
      }
      throw new PrometheusError('network', `Prometheus ${path}: ${(err as Error).message}`, { expr });
    }
  }
}
