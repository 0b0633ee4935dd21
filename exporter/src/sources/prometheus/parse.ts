// Pure decoding of Prometheus HTTP API bodies (docs/querying/api.md) into typed results.
import { PrometheusError } from './errors';
import { ITEMS_PER_STEP, runNow, type Steps } from '../../tracking/slices';
import { parseJsonSteps } from './jsonSlices';

export interface Sample {
  metric: Record<string, string>;
  /** may be NaN or ±Infinity */
  value: number;
}

export interface Series {
  metric: Record<string, string>;
  /** [unix seconds, value] */
  values: Array<[number, number]>;
}

type Json = unknown;

const isObject = (x: Json): x is Record<string, Json> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Prometheus writes sample values as strings, including "NaN", "+Inf" and "-Inf". */
export function parseSampleValue(raw: Json): number {
  if (typeof raw !== 'string') throw new TypeError(`sample value is not a string: ${JSON.stringify(raw)}`);
  switch (raw) {
    case 'NaN':
      return NaN;
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    default: {
      const n = raw.trim() === '' ? NaN : Number(raw);
      if (Number.isNaN(n)) throw new TypeError(`sample value is not a number: ${JSON.stringify(raw)}`);
      return n;
    }
  }
}

function parsePair(raw: Json): [number, number] {
  if (!Array.isArray(raw) || raw.length !== 2 || typeof raw[0] !== 'number' || !Number.isFinite(raw[0])) {
    throw new TypeError(`expected [timestamp, "value"], got ${JSON.stringify(raw)?.slice(0, 80)}`);
  }
  return [raw[0], parseSampleValue(raw[1])];
}

function parseLabels(raw: Json): Record<string, string> {
  if (!isObject(raw)) throw new TypeError('metric is not an object');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') throw new TypeError(`label ${k} is not a string`);
    out[k] = v;
  }
  return out;
}

function fail(message: string, expr?: string, status?: number): never {
  throw new PrometheusError('parse', message, { expr, status, retryable: false });
}

/**
 * Checks HTTP status and the {"status","data"|"errorType","error"} envelope; returns `data`.
 * Error envelopes become kind 'api' (with errorType), other non-2xx kind 'http', malformed 2xx bodies kind 'parse'.
 */
export const unwrapEnvelope = (httpStatus: number, text: string, expr?: string): Json =>
  runNow(unwrapEnvelopeSteps(httpStatus, text, expr));

/** unwrapEnvelope as steps: a large 2xx answer is parsed in slices (see jsonSlices.ts). */
export function* unwrapEnvelopeSteps(httpStatus: number, text: string, expr?: string): Steps<Json> {
  let body: Json;
  try {
    body = httpStatus >= 200 && httpStatus < 300 ? yield* parseJsonSteps(text) : JSON.parse(text);
  } catch {
    const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 100);
    if (httpStatus < 200 || httpStatus >= 300) {
      throw new PrometheusError('http', `HTTP ${httpStatus}: ${snippet || '(empty body)'}`, {
        status: httpStatus,
        expr,
      });
    }
    return fail(`response is not JSON: ${snippet || '(empty body)'}`, expr, httpStatus);
  }
  if (isObject(body) && body.status === 'error') {
    const errorType = typeof body.errorType === 'string' ? body.errorType : 'unknown';
    const message = typeof body.error === 'string' ? body.error : JSON.stringify(body.error);
    throw new PrometheusError('api', `${errorType}: ${message}`, { status: httpStatus, errorType, expr });
  }
  if (httpStatus < 200 || httpStatus >= 300) {
    throw new PrometheusError('http', `HTTP ${httpStatus} without a Prometheus error envelope`, {
      status: httpStatus,
      expr,
    });
  }
  if (!isObject(body) || body.status !== 'success' || !('data' in body)) {
    return fail('response is not a Prometheus success envelope', expr, httpStatus);
  }
  return body.data;
}

/** data of /api/v1/query: a vector, or a scalar as one sample with no labels. */
export const parseInstantData = (data: Json, expr?: string): Sample[] => runNow(parseInstantSteps(data, expr));

/** parseInstantData as steps, yielding every ITEMS_PER_STEP samples: answers of many thousand series (see slices.ts). */
export function* parseInstantSteps(data: Json, expr?: string): Steps<Sample[]> {
  try {
    if (!isObject(data)) throw new TypeError('data is not an object');
    const { resultType, result } = data;
    if (resultType === 'scalar') return [{ metric: {}, value: parsePair(result)[1] }];
    if (resultType !== 'vector') throw new TypeError(`expected a vector or scalar result, got ${String(resultType)}`);
    if (!Array.isArray(result)) throw new TypeError('result is not an array');
    const out: Sample[] = [];
    for (const item of result as Json[]) {
      if (out.length % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) yield;
      if (!isObject(item)) throw new TypeError('vector element is not an object');
      out.push({ metric: parseLabels(item.metric), value: parsePair(item.value)[1] });
    }
    return out;
  } catch (err) {
    if (err instanceof PrometheusError) throw err;
    return fail(`unexpected query result: ${(err as Error).message}`, expr);
  }
}

/** data of /api/v1/query_range: a matrix. */
export function parseRangeData(data: Json, expr?: string): Series[] {
  try {
    if (!isObject(data)) throw new TypeError('data is not an object');
    if (data.resultType !== 'matrix') throw new TypeError(`expected a matrix result, got ${String(data.resultType)}`);
    if (!Array.isArray(data.result)) throw new TypeError('result is not an array');
    return data.result.map((item: Json) => {
      if (!isObject(item) || !Array.isArray(item.values)) throw new TypeError('matrix element has no values array');
      return { metric: parseLabels(item.metric), values: item.values.map(parsePair) };
    });
  } catch (err) {
    if (err instanceof PrometheusError) throw err;
    return fail(`unexpected range result: ${(err as Error).message}`, expr);
  }
}

/** data of /api/v1/series: an array of label sets. */
export function parseSeriesData(data: Json, expr?: string): Array<Record<string, string>> {
  try {
    if (!Array.isArray(data)) throw new TypeError('data is not an array');
    return data.map(parseLabels);
  } catch (err) {
    return fail(`unexpected series result: ${(err as Error).message}`, expr);
  }
}

export function parseBuildInfoData(data: Json): { version: string } {
  if (!isObject(data) || typeof data.version !== 'string') return fail('buildinfo has no version string');
  return { version: data.version };
}
