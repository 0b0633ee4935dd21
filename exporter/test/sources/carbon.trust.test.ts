// CarbonIntensityClient refuses what it cannot trust: answers from another origin, conflicting rows decided silently,
// rows without a value. Against a carbon API stand-in (httpStub) whose answers each test writes.
import type { ServerResponse } from 'node:http';
import { CarbonIntensityClient, CarbonIntensityError, CarbonClientOptions } from '../../src/sources/carbon';
import { createMetrics } from '../../src/metrics/registry';
import { emptySnapshot } from '../../src/tracking/snapshot';
import { HttpStub, RecordedRequest, sendJson, startHttpStub } from './httpStub';

const T = (iso: string): number => Date.parse(iso) / 1000;
const FALLBACK = 129;
const COUNTER = 'ada_carbon_carbon_intensity_conflicting_slots_total';

type Row = [from: string, forecast: number | null, actual: number | null];
const body = (rows: Row[]): string =>
  JSON.stringify({
    data: rows.map(([from, forecast, actual]) => ({
      from: `2024-03-10T${from}Z`,
      to: new Date((T(`2024-03-10T${from}:00Z`) + 1800) * 1000).toISOString().slice(0, 16) + 'Z',
      intensity: { forecast, actual, index: 'moderate' },
    })),
  });
const answer =
  (rows: Row[]) =>
  (_req: RecordedRequest, res: ServerResponse): void =>
    sendJson(res, 200, body(rows));

let api: HttpStub;
let clock: number;
const stubs: HttpStub[] = [];

async function stub(handler: Parameters<typeof startHttpStub>[0]): Promise<HttpStub> {
  const s = await startHttpStub(handler);
  stubs.push(s);
  return s;
}

function client(extra: Partial<CarbonClientOptions> = {}): CarbonIntensityClient {
  return new CarbonIntensityClient({
    baseUrl: api.url,
    timeoutSeconds: 2,
    cacheSeconds: 300,
    fallbackGramsPerKwh: FALLBACK,
    now: () => clock,
    ...extra,
  });
}

beforeEach(async () => {
  clock = T('2024-03-10T10:07:00Z');
  api = await stub(answer([['10:00', 160, 150]]));
});
afterEach(async () => {
  await Promise.all(stubs.splice(0).map((s) => s.close()));
});

describe('redirects', () => {
  const redirectTo =
    (target: (path: string) => string) =>
    (req: RecordedRequest, res: ServerResponse): void => {
      res.writeHead(302, { Location: target(req.url) });
      res.end();
    };

  it('refuses a redirect to another origin: flagged fallback naming it, the other server never asked', async () => {
    const elsewhere = await stub(answer([['10:00', 400, 390]])); // valid, but not the configured server
    api.setHandler(redirectTo((path) => `${elsewhere.url}${path}`));
    const c = client();
    const r = await c.current('national');
    expect(r).toMatchObject({
      gramsPerKwh: FALLBACK,
      source: 'fallback',
      fallback: true,
      fromSeconds: T('2024-03-10T10:00:00Z'),
    });
    expect(r.error).toBe(`redirect: HTTP 302 redirect to ${elsewhere.url} refused: only ${api.url} is trusted`);
    expect(elsewhere.requests).toEqual([]);
    expect(c.stats).toMatchObject({
      failures: 1,
      lastError: expect.stringMatching(/^\/intensity\/.*fw24h: redirect: /) as string,
    });
    expect(c.stats.lastSuccessSeconds).toBeUndefined();

    const err = await c.forecast('national', clock, 24).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CarbonIntensityError);
    expect((err as CarbonIntensityError).kind).toBe('redirect');
    expect(elsewhere.requests).toEqual([]);
  });

  it.each([
    [
      'another scheme',
      (url: string) => url.replace('http:', 'https:'),
      (url: string) => url.replace('http:', 'https:'),
    ],
    [
      'another host name for the same server',
      (url: string) => url.replace('127.0.0.1', 'localhost'),
      (url: string) => url.replace('127.0.0.1', 'localhost'),
    ],
  ])('counts %s as another origin', async (_name, rewrite, origin) => {
    api.setHandler((req, res) => {
      if (req.headers.host?.startsWith('localhost')) return answer([['10:00', 400, 390]])(req, res);
      return redirectTo((path) => rewrite(`${api.url}${path}`))(req, res);
    });
    const r = await client().current('national');
    expect([r.fallback, r.gramsPerKwh]).toEqual([true, FALLBACK]);
    expect(r.error).toContain(`redirect to ${origin(api.url)} refused`);
    expect(api.requests).toHaveLength(1);
  });

  it('follows a redirect within the configured origin (the same server moving a path)', async () => {
    api.setHandler((req, res) => {
      if (req.url.startsWith('/moved/')) return answer([['10:00', 160, 150]])(req, res);
      return redirectTo((path) => `/moved${path}`)(req, res);
    });
    const r = await client().current('national');
    expect(r).toMatchObject({ gramsPerKwh: 150, source: 'actual', fallback: false });
    expect(r.error).toBeUndefined();
    expect(api.requests.map((q) => q.url)).toEqual([
      '/intensity/2024-03-10T10:01Z/fw24h',
      '/moved/intensity/2024-03-10T10:01Z/fw24h',
    ]);
  });
});

describe('conflicting rows for one half-hour', () => {
  const rows: Row[] = [
    // the winners come first, so "the last row wins" would pick a loser
    ['10:00', 200, 170],
    ['10:00', 180, 150],
    ['10:00', 240, null], // an actual beats forecast-only; then the higher
    ['10:30', 210, null],
    ['10:30', 190, null], // forecast-only: the higher
    ['11:00', 100, null],
    ['11:00', 100, null], // identical: not a conflict
    ['11:30', 120, null],
  ];

  it('uses the winner, flags the slot and counts each conflicting half-hour in the metric', async () => {
    api.setHandler(answer(rows));
    const c = client();
    const snap = emptySnapshot();
    const metrics = createMetrics(
      () => snap,
      '0.0.0-test',
      () => c.stats
    );
    const counter = async (): Promise<string | undefined> => {
      snap.version++; // the exposition is cached per snapshot version
      return new RegExp(`^${COUNTER} (.*)$`, 'm').exec(await metrics.render())?.[1];
    };
    expect(await counter()).toBe('0');

    const now = await c.current('national');
    expect(now).toMatchObject({ gramsPerKwh: 170, source: 'actual', fallback: false, conflictingRows: 3 });
    expect(c.stats.conflictingSlots).toBe(2);
    expect(await counter()).toBe('2');

    const ahead = await c.forecast('national', clock, 24); // same answer, from the cache: not counted again
    expect(ahead.map((s) => [s.actual ?? s.forecast, s.conflictingRows])).toEqual([
      [170, 3],
      [210, 2],
      [100, undefined],
      [120, undefined],
    ]);
    expect(await counter()).toBe('2');

    clock += 300; // a fresh answer with the same conflicts counts them again: the counter is per answer
    await c.forecast('national', clock, 24);
    expect(api.requests).toHaveLength(2);
    expect(await counter()).toBe('4');
  });

  it('does not count identical duplicates', async () => {
    api.setHandler(
      answer([
        ['10:00', 160, 150],
        ['10:00', 160, 150],
        ['10:30', 170, null],
        ['10:30', 170, null],
      ])
    );
    const c = client();
    const r = await c.current('national');
    expect(r).toEqual({
      area: 'national',
      gramsPerKwh: 150,
      fromSeconds: T('2024-03-10T10:00:00Z'),
      toSeconds: T('2024-03-10T10:30:00Z'),
      source: 'actual',
      fallback: false,
    });
    expect((await c.forecast('national', clock, 24)).map((s) => s.conflictingRows)).toEqual([undefined, undefined]);
    expect(c.stats.conflictingSlots).toBe(0);
  });
});

describe('rows without an intensity', () => {
  it('never replace a cached value: the cached value stays, the later answer marked as failing', async () => {
    const c = client();
    expect((await c.current('national')).gramsPerKwh).toBe(150);
    api.setHandler(
      answer([
        ['10:00', null, null],
        ['10:30', 190, null],
      ])
    );
    clock += 300; // cache expired, still the 10:00 half-hour
    const r = await c.current('national');
    expect(r).toMatchObject({
      gramsPerKwh: 150,
      source: 'actual',
      fallback: false,
      fromSeconds: T('2024-03-10T10:00:00Z'),
    });
    expect(r.error).toMatch(
      /using data fetched 300s ago: empty: half-hour 2024-03-10T10:00Z has neither actual nor forecast/
    );
    expect(api.requests).toHaveLength(2);
  });

  it('leave their half-hour out of forecasts and ranges (unknown, never 0)', async () => {
    api.setHandler(
      answer([
        ['10:00', 160, 150],
        ['10:30', null, null],
        ['11:00', 120, null],
      ])
    );
    const c = client();
    const ahead = await c.forecast('national', clock, 24);
    expect(ahead.map((s) => s.fromSeconds)).toEqual([T('2024-03-10T10:00:00Z'), T('2024-03-10T11:00:00Z')]);
    const range = await c.range('national', T('2024-03-10T10:00:00Z'), T('2024-03-10T11:30:00Z'));
    expect(range.map((s) => s.actual ?? s.forecast)).toEqual([150, 120]);
  });
});
