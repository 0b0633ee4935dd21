// Local replay server of the GB Carbon Intensity API (api.carbonintensity.org.uk), built from the recorded fixtures.
// In 'ok' mode it answers ANY requested time: the recorded values are re-timed onto the requested half-hours
// (national by time of day, regional cycling the recorded rows), so expectedIntensity() can predict every value.
// The API's traps are kept: a `from` on a half-hour leads with the slot ENDING at `from`, regional windows answer
// with `data` as an object, ranges across New Year lose 31 December, and 2021-04-19T19:00Z comes back twice.
import { createServer, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  CarbonArea,
  DAY,
  DEFAULT_CARBON_FIXTURES_DIR,
  fmt,
  isSettled,
  loadTables,
  parseTime,
  recordedRow,
  RegionRecord,
  SLOT,
} from './carbonFixtures';

export { DEFAULT_CARBON_FIXTURES_DIR, expectedIntensity } from './carbonFixtures';
export type { CarbonArea } from './carbonFixtures';

export type CarbonServerMode = 'ok' | '500' | 'garbage' | 'empty' | 'slow' | 'down-400';

export interface CarbonServerOptions {
  fixturesDir?: string;
  /** server clock (unix seconds) for /intensity and /regional/postcode "current", and for which national slots are settled */
  now?: () => number;
}

export interface CarbonServer {
  url: string;
  /** request paths (with query string) in arrival order, all modes included */
  requests: string[];
  setMode(mode: CarbonServerMode): void;
  /** delay used in 'slow' mode (default 3000 ms), after which it answers as 'ok' */
  setSlow(ms: number): void;
  stop(): Promise<void>;
}

const MAX_RANGE_SECONDS = 14 * DAY;
/** The recorded duplicate row (carbon-intensity/api-definitions issue #17). */
export const DUPLICATED_SLOT_SECONDS = Date.UTC(2021, 3, 19, 19, 0) / 1000;

class BadRequest extends Error {}
class NotFound extends Error {}

export async function startCarbonServer(opts: CarbonServerOptions = {}): Promise<CarbonServer> {
  const tables = loadTables(opts.fixturesDir ?? DEFAULT_CARBON_FIXTURES_DIR);
  const now = opts.now ?? ((): number => Date.now() / 1000);
  let mode: CarbonServerMode = 'ok';
  let slowMs = 3000;
  const requests: string[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const row = (area: CarbonArea, from: number): Record<string, unknown> => {
    const r = recordedRow(tables, area, from);
    const intensity: Record<string, unknown> = { forecast: r.forecast };
    if (area === 'national') intensity.actual = isSettled(area, from, now()) ? r.actual : null;
    intensity.index = r.index;
    const out: Record<string, unknown> = { from: fmt(from), to: fmt(from + SLOT), intensity };
    if (area === 'regional' && r.generationmix) out.generationmix = r.generationmix;
    return out;
  };

  /** Rows from the slot containing `from - 1s` (the boundary trap: it ENDS at an aligned `from`) while slot start < end. */
  const window = (
    area: CarbonArea,
    from: number,
    end: number,
    loseNewYearsEve: boolean
  ): Array<Record<string, unknown>> => {
    const rows: Array<Record<string, unknown>> = [];
    const newYear = Date.UTC(new Date(from * 1000).getUTCFullYear() + 1, 0, 1) / 1000;
    const lost = loseNewYearsEve && from < newYear && newYear < end;
    for (let s = Math.floor((from - 1) / SLOT) * SLOT; s < end; s += SLOT) {
      if (lost && s >= newYear - DAY && s < newYear) continue;
      rows.push(row(area, s));
      if (s === DUPLICATED_SLOT_SECONDS) rows.push(row(area, s));
    }
    return rows;
  };

  const timeArg = (text: string): number => {
    const t = parseTime(decodeURIComponent(text));
    if (Number.isNaN(t)) throw new BadRequest();
    return t;
  };

  /** [first slot, end) for fw24h|fw48h|pt24h|{to}. */
  const span = (from: number, what: string): [number, number, boolean] => {
    if (what === 'fw24h') return [from, from + DAY, false];
    if (what === 'fw48h') return [from, from + 2 * DAY, false];
    if (what === 'pt24h') return [from - DAY + 1, from + 1, false];
    const to = timeArg(what);
    if (!(to > from)) throw new BadRequest('The end datetime must be after the start datetime');
    if (to - from > MAX_RANGE_SECONDS) throw new BadRequest('The maximum date range is limited to 14 days');
    return [from, to, true];
  };

  const region = (kind: string, key: string): RegionRecord & { postcode?: string } => {
    if (kind === 'postcode') {
      const pc = decodeURIComponent(key).toUpperCase();
      const id = tables.regionIdByPostcode.get(pc);
      if (id === undefined) throw new BadRequest('Please enter a valid postcode (outward code only, e.g. OX11)');
      return { ...tables.regionsById.get(id)!, postcode: pc };
    }
    if (kind === 'regionid') {
      const r = tables.regionsById.get(Number(key));
      if (!r) throw new BadRequest('Please enter a valid region id');
      return { ...r };
    }
    throw new BadRequest();
  };

  /** The body for a path in 'ok' mode; `empty` gives the same shape with no half-hours. */
  const answer = (path: string, empty: boolean): unknown => {
    const p = path.split('/').filter(Boolean);
    const rows = (r: Array<Record<string, unknown>>): Array<Record<string, unknown>> => (empty ? [] : r);
    if (p[0] === 'intensity') {
      if (p.length === 1) {
        const last = Math.floor(now() / SLOT) * SLOT - SLOT; // latest COMPLETED half-hour
        return { data: rows([row('national', last)]) };
      }
      if (p[1] === 'factors' && p.length === 2) return JSON.parse(tables.factors);
      if (p[1] === 'date') {
        const day = p.length === 2 ? Math.floor(now() / DAY) * DAY : timeArg(p[2] ?? '');
        if (p.length > 3) throw new BadRequest();
        return { data: rows(window('national', day + 1, day + DAY, false)) };
      }
      const from = timeArg(p[1]!);
      if (p.length === 2) return { data: rows(window('national', from, from - 1 + SLOT, false).slice(0, 1)) };
      if (p.length === 3) {
        const [a, b, ny] = span(from, p[2]!);
        return { data: rows(window('national', a, b, ny)) };
      }
    }
    if (p[0] === 'regional') {
      if (p.length === 3 && (p[1] === 'postcode' || p[1] === 'regionid')) {
        const r = region(p[1], p[2]!);
        const slot = Math.floor(now() / SLOT) * SLOT;
        return { data: empty ? [] : [{ ...r, data: [row('regional', slot)] }] };
      }
      if (p.length === 6 && p[1] === 'intensity') {
        const r = region(p[4]!, p[5]!);
        const [a, b, ny] = span(timeArg(p[2]!), p[3]!);
        return { data: { ...r, data: rows(window('regional', a, b, ny)) } };
      }
    }
    throw new NotFound();
  };

  const send = (res: ServerResponse, status: number, body: string): void => {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(body);
  };
  const serveOk = (res: ServerResponse, path: string, empty = false): void => {
    try {
      send(res, 200, JSON.stringify(answer(path, empty)));
    } catch (err) {
      if (err instanceof NotFound) {
        send(res, 404, JSON.stringify({ error: { code: '404 Not Found', message: `No route for ${path}` } }));
      } else if (err instanceof BadRequest && err.message) {
        send(res, 400, JSON.stringify({ error: { code: '400 Bad Request', message: err.message } }));
      } else if (err instanceof BadRequest) {
        send(res, 400, tables.error400);
      } else {
        send(res, 500, tables.error500);
      }
    }
  };

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const path = url.split('?')[0]!;
    switch (mode) {
      case 'ok':
        return serveOk(res, path);
      case 'empty':
        return serveOk(res, path, true);
      case '500':
        return send(res, 500, tables.error500);
      case 'down-400':
        return send(res, 400, tables.error400);
      case 'garbage': {
        // a body cut off mid-way, as from a dropped connection behind a proxy
        let full: string;
        try {
          full = JSON.stringify(answer(path, false));
        } catch {
          full = JSON.stringify(answer('/intensity', false));
        }
        return send(res, 200, full.slice(0, Math.max(1, Math.floor(full.length / 2))));
      }
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          serveOk(res, path);
        }, slowMs);
        timers.add(timer);
        return;
      }
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setMode: (m) => {
      mode = m;
    },
    setSlow: (ms) => {
      slowMs = ms;
    },
    stop: () =>
      new Promise<void>((ok) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
