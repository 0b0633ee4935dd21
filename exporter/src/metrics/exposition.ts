import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { collectDefaultMetrics, Registry, type RegistryContentType } from 'prom-client';
import type { ExpositionFormat } from './negotiate';

const gzip = promisify(gzipCb);

export const CONTENT_TYPES: Readonly<Record<ExpositionFormat, RegistryContentType>> = {
  text: Registry.PROMETHEUS_CONTENT_TYPE,
  openmetrics: Registry.OPENMETRICS_CONTENT_TYPE,
};
const EOF = '# EOF\n';

/** An empty registry rendering `format`. */
export function newRegistry(format: ExpositionFormat): Registry {
  const r = new Registry();
  // the typings fix a registry's content type at compile time; here it is chosen at run time, per format
  (r as unknown as Registry<RegistryContentType>).setContentType(CONTENT_TYPES[format]);
  return r;
}

/**
 * prom-client's defaults, minus the three gauges whose `_total` names `promtool check metrics` rejects (a gauge
 * must not end in `_total`); the same counts stay in nodejs_active_handles, _requests and _resources by type.
 */
export const DROPPED_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const;

// Process metrics describe the process, not an app: one registry per format for the whole process, so that the
// apps a test suite builds do not each add an event-loop monitor and a GC observer that nothing removes.
const processRegistries = new Map<ExpositionFormat, Registry>();

export function processRegistry(format: ExpositionFormat): Registry {
  let r = processRegistries.get(format);
  if (!r) {
    r = newRegistry(format);
    collectDefaultMetrics({ register: r });
    for (const name of DROPPED_DEFAULT_METRICS) r.removeSingleMetric(name);
    processRegistries.set(format, r);
  }
  return r;
}

/** A /metrics answer: the body, its media type, and whether the body is gzip. */
export interface Scrape {
  body: string | Buffer;
  contentType: string;
  gzip: boolean;
}

export interface Scraper {
  scrape: (format: ExpositionFormat, gzipped: boolean) => Promise<Scrape>;
  /** renders (and gzips) ahead of the next scrape whatever scrapers have asked for so far; text before any */
  warm: () => Promise<void>;
}

/** One rendering of the families: its UTF-8 bytes in pieces, as scrapes send them. */
export interface Rendered {
  readonly parts: readonly Buffer[];
}

const EOF_BYTES = Buffer.from(EOF);

/** The families' bytes without OpenMetrics' end marker, so that the process families can follow it. */
const withoutEof = (bytes: Buffer): Buffer =>
  bytes.length >= EOF_BYTES.length && bytes.subarray(bytes.length - EOF_BYTES.length).equals(EOF_BYTES)
    ? bytes.subarray(0, bytes.length - EOF_BYTES.length)
    : bytes;

/**
 * Serves the families' cached bytes (rendered once per snapshot) followed by the process families (read fresh at
 * every scrape). The families are never one JavaScript string on this path: encoding megabytes of text in one go
 * holds the event loop. The big part is gzipped once per rendering, on libuv's thread pool; the small part is gzipped
 * per scrape and appended as a second gzip member, which RFC 1952 readers (Go's, zlib's, browsers') decode as one body.
 */
export function createScraper(
  renderFamilies: (format: ExpositionFormat) => Promise<Rendered>,
  /** what warm() prepares: the latest rendering, where scrapes may be served an older one meanwhile */
  renderLatest: (format: ExpositionFormat) => Promise<Rendered> = renderFamilies
): Scraper {
  const zipped = new WeakMap<Rendered, Promise<Buffer>>();
  const zippedFamilies = (r: Rendered): Promise<Buffer> => {
    let gz = zipped.get(r);
    // one copy of the pieces per rendering; gzip itself runs on the thread pool
    if (!gz) zipped.set(r, (gz = gzip(withoutEof(Buffer.concat(r.parts)))));
    return gz;
  };
  const asked = new Map<ExpositionFormat, boolean>();
  const scrape = async (format: ExpositionFormat, gzipped: boolean): Promise<Scrape> => {
    asked.set(format, (asked.get(format) ?? false) || gzipped);
    const [families, processText] = await Promise.all([renderFamilies(format), processRegistry(format).metrics()]);
    const contentType = CONTENT_TYPES[format];
    // text joins families with a blank line; OpenMetrics has no blank lines and ends with the process part's EOF
    const tail = Buffer.from(format === 'text' ? `\n${processText}` : processText);
    if (!gzipped) {
      const last = families.parts.length - 1;
      const parts = families.parts.map((p, i) => (i === last ? withoutEof(p) : p));
      return { body: Buffer.concat([...parts, tail]), contentType, gzip: false };
    }
    const [head, rest] = await Promise.all([zippedFamilies(families), gzip(tail)]);
    return { body: Buffer.concat([head, rest]), contentType, gzip: true };
  };
  const warm = async (): Promise<void> => {
    const wanted: Array<[ExpositionFormat, boolean]> = asked.size > 0 ? [...asked] : [['text', false]];
    await Promise.all(
      wanted.map(async ([format, gzipped]) => {
        const r = await renderLatest(format);
        if (gzipped) await zippedFamilies(r);
      })
    );
  };
  return { scrape, warm };
}
