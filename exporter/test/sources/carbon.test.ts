// CarbonIntensityClient against the local replay server of the API (tests/harness/carbonServer.ts).
import { CarbonIntensityClient, CarbonIntensityError, CarbonClientOptions } from '../../src/sources/carbon';
import { slotStart } from '../../src/model/slots';
import {
  CarbonServer,
  CarbonServerMode,
  expectedIntensity,
  startCarbonServer,
} from '../../../tests/harness/carbonServer';
import { fixture, sendJson, startHttpStub } from './httpStub';

const T = (iso: string): number => Date.parse(iso) / 1000;
const FALLBACK = 129;

let server: CarbonServer;
let clock: number;

function client(extra: Partial<CarbonClientOptions> = {}): CarbonIntensityClient {
  return new CarbonIntensityClient({
    baseUrl: server.url,
    timeoutSeconds: 2,
    cacheSeconds: 300,
    fallbackGramsPerKwh: FALLBACK,
    now: () => clock,
    ...extra,
  });
}

beforeEach(async () => {
  server = await startCarbonServer();
  clock = T('2024-03-10T10:07:00Z');
});
afterEach(async () => server.stop());

describe('current(): the slot containing the instant', () => {
  // 09:30, 10:00, 10:30 hold different values in the recorded day, so a neighbour slot would be caught
  const values = ['09:30', '10:00', '10:30', '11:00'].map((hm) =>
    expectedIntensity('national', T(`2024-03-10T${hm}:00Z`))
  );
  it('has distinct neighbours in the replayed data (precondition)', () => {
    expect(new Set(values).size).toBe(4);
  });

  it.each([
    ['10:00:00', '10:00'],
    ['10:29:59', '10:00'],
    ['10:30:00', '10:30'],
    ['10:59:59', '10:30'],
  ])('at %s picks the slot from %s (national)', async (hms, slotHm) => {
    clock = T(`2024-03-10T${hms}Z`);
    const c = client();
    const r = await c.current('national');
    const from = T(`2024-03-10T${slotHm}:00Z`);
    expect(r).toEqual({
      area: 'national',
      gramsPerKwh: expectedIntensity('national', from),
      fromSeconds: from,
      toSeconds: from + 1800,
      source: 'actual',
      fallback: false,
    });
    expect(server.requests).toEqual([
      `/intensity/2024-03-10T${slotHm.slice(0, 3)}${slotHm.endsWith('00') ? '01' : '31'}Z/fw24h`,
    ]);
    expect(c.stats).toMatchObject({ requests: 1, failures: 0, lastSuccessSeconds: clock });
  });

  it('uses the forecast for a slot not yet settled', async () => {
    await server.stop();
    server = await startCarbonServer({ now: () => clock }); // the API's own clock: the running slot has no actual
    const r = await client().current('national');
    expect(r.source).toBe('forecast');
    expect(r.gramsPerKwh).toBe(expectedIntensity('national', T('2024-03-10T10:00:00Z'), clock));
    expect(r.gramsPerKwh).not.toBe(expectedIntensity('national', T('2024-03-10T10:00:00Z'))); // actual differs here
  });

  it('takes an explicit instant instead of the clock', async () => {
    const at = T('2035-06-01T17:45:00Z'); // far future: forecast only
    const r = await client().current('national', at);
    expect([r.fromSeconds, r.source, r.gramsPerKwh]).toEqual([
      T('2035-06-01T17:30:00Z'),
      'forecast',
      expectedIntensity('national', T('2035-06-01T17:30:00Z')),
    ]);
  });

  it.each(['10:00:00', '10:29:59', '10:30:00'])(
    'at %s picks the right regional slot from the object-shaped answer',
    async (hms) => {
      clock = T(`2024-03-10T${hms}Z`);
      const c = client({ postcode: 'OX11' });
      const r = await c.current('regional');
      const from = slotStart(clock);
      expect(r).toEqual({
        area: 'regional',
        gramsPerKwh: expectedIntensity('regional', from),
        fromSeconds: from,
        toSeconds: from + 1800,
        source: 'forecast',
        fallback: false,
        region: { id: 12, name: 'South England', postcode: 'OX11' },
      });
      expect(expectedIntensity('regional', from)).not.toBe(expectedIntensity('regional', from - 1800));
      expect(server.requests[0]).toMatch(/^\/regional\/intensity\/2024-03-10T10:(01|31)Z\/fw24h\/postcode\/OX11$/);
    }
  );

  it('cuts a full postcode to its outward code', async () => {
    const c = client({ postcode: 'ox11 0qx' });
    expect(c.outwardPostcode).toBe('OX11');
    const r = await c.current('regional');
    expect(server.requests[0]).toMatch(/\/postcode\/OX11$/);
    expect(r.region?.id).toBe(12);
  });

  it('can select the region by id, and refuses an answer for another region', async () => {
    const byId = await client({ regionId: 11 }).current('regional');
    expect(server.requests[0]).toMatch(/\/regionid\/11$/);
    expect(byId.region).toEqual({ id: 11, name: 'South West England' });
    const mismatch = client({ postcode: 'OX11', regionId: 11 });
    const r = await mismatch.current('regional');
    expect(r.fallback).toBe(true);
    expect(r.error).toMatch(/region 12 \(South England\), expected 11/);
    expect(mismatch.stats.failures).toBe(1);
  });

  it('falls back, flagged, for a regional area without postcode or region', async () => {
    const c = client();
    const r = await c.current('regional');
    expect([r.fallback, r.source, r.gramsPerKwh]).toEqual([true, 'fallback', FALLBACK]);
    expect(r.error).toMatch(/needs a postcode or regionId/);
    expect(c.stats.failures).toBe(1);
    expect(server.requests).toEqual([]);
  });
});

describe('current(): cache', () => {
  it('makes one request for a burst of calls, and again after cacheSeconds', async () => {
    clock = T('2024-03-10T10:27:00Z');
    const c = client({ cacheSeconds: 300 });
    const burst = await Promise.all(Array.from({ length: 25 }, () => c.current('national')));
    expect(new Set(burst.map((r) => r.gramsPerKwh)).size).toBe(1);
    expect(server.requests).toHaveLength(1);
    clock += 299; // next slot, same cached forward window
    const later = await c.current('national');
    expect(later.fromSeconds).toBe(T('2024-03-10T10:30:00Z'));
    expect(later.gramsPerKwh).toBe(expectedIntensity('national', T('2024-03-10T10:30:00Z')));
    expect(server.requests).toHaveLength(1);
    expect(c.stats.requests).toBe(1);
    clock += 1;
    await c.current('national');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]).toBe('/intensity/2024-03-10T10:31Z/fw24h');
  });

  it('keeps areas apart', async () => {
    const c = client({ postcode: 'OX11' });
    const [n, r] = await Promise.all([c.current('national'), c.current('regional')]);
    expect(server.requests).toHaveLength(2);
    expect(n.gramsPerKwh).toBe(expectedIntensity('national', T('2024-03-10T10:00:00Z')));
    expect(r.gramsPerKwh).toBe(expectedIntensity('regional', T('2024-03-10T10:00:00Z')));
  });
});

describe('current(): faults give a flagged fallback with the reason', () => {
  const cases: Array<[CarbonServerMode | 'stopped', RegExp]> = [
    ['500', /^http: HTTP 500: 500 Internal Server Error: Requested resource not found\.$/],
    ['down-400', /^http: HTTP 400: 400 Bad Request: Please enter a valid datetime/],
    ['garbage', /^parse: response is not JSON/],
    ['empty', /^empty: response has no half-hours$/],
    ['slow', /^timeout: timed out after 0.3s$/],
    ['stopped', /^network: .*ECONNREFUSED/],
  ];
  it.each(cases)('%s', async (mode, reason) => {
    if (mode === 'stopped') await server.stop();
    else server.setMode(mode);
    server.setSlow(2000);
    const c = client({ timeoutSeconds: 0.3, postcode: 'OX11' });
    for (const area of ['national', 'regional'] as const) {
      const r = await c.current(area);
      expect(r).toMatchObject({
        area,
        gramsPerKwh: FALLBACK,
        source: 'fallback',
        fallback: true,
        fromSeconds: T('2024-03-10T10:00:00Z'),
      });
      expect(r.error).toMatch(reason);
    }
    expect(c.stats.failures).toBe(2);
    expect(c.stats.requests).toBe(2);
    expect(c.stats.lastError).toMatch(/^\/regional\/intensity\/.*: /);
    expect(c.stats.lastSuccessSeconds).toBeUndefined();
    if (mode === 'stopped') server = await startCarbonServer(); // for afterEach
  });

  it('refuses values outside 0..2000 g/kWh and slots missing from the answer', async () => {
    const stub = await startHttpStub((req, res) => {
      if (req.url.includes('T10:01Z')) {
        sendJson(
          res,
          200,
          JSON.stringify({
            data: [{ from: '2024-03-10T10:00Z', to: '2024-03-10T10:30Z', intensity: { forecast: 180, actual: 5000 } }],
          })
        );
      } else {
        sendJson(res, 200, fixture('carbon-intensity/national_fw24h_forecast.json')); // 2020 rows, whatever was asked
      }
    });
    try {
      const c = new CarbonIntensityClient({
        baseUrl: stub.url,
        timeoutSeconds: 2,
        fallbackGramsPerKwh: FALLBACK,
        now: () => clock,
      });
      const absurd = await c.current('national');
      expect(absurd.fallback).toBe(true);
      expect(absurd.error).toMatch(/actual 5000 g\/kWh is outside 0\.\.2000/);
      clock = T('2024-03-10T10:45:00Z');
      const missing = await c.current('national');
      expect(missing.fallback).toBe(true);
      expect(missing.error).toBe('empty: no half-hour covering 2024-03-10T10:45Z in the response');
      expect(c.stats.failures).toBe(2);
    } finally {
      await stub.close();
    }
  });
});

describe('current(): outages', () => {
  it('keeps using a cached forecast that covers the instant, then the fallback, then real data again', async () => {
    const c = client({ cacheSeconds: 300 });
    const first = await c.current('national');
    expect(first.fallback).toBe(false);
    server.setMode('500');

    clock += 3 * 3600; // cache expired, API down, but the forward window fetched earlier covers this instant
    const during = await c.current('national');
    const slot = slotStart(clock);
    expect(during).toMatchObject({
      fallback: false,
      source: 'actual',
      fromSeconds: slot,
      gramsPerKwh: expectedIntensity('national', slot),
    });
    expect(during.error).toMatch(/API unavailable, using data fetched 10800s ago: http: HTTP 500/);
    expect(c.stats.failures).toBe(1);

    clock += 5; // inside the failure backoff: no new request
    await c.current('national');
    expect(server.requests).toHaveLength(2);

    clock += 24 * 3600; // beyond everything cached
    const beyond = await c.current('national');
    expect(beyond).toMatchObject({ fallback: true, source: 'fallback', gramsPerKwh: FALLBACK });
    expect(beyond.error).toMatch(/HTTP 500/);

    server.setMode('ok');
    clock += 301; // past the longest backoff
    const back = await c.current('national');
    expect(back).toMatchObject({
      fallback: false,
      source: 'actual',
      gramsPerKwh: expectedIntensity('national', slotStart(clock)),
    });
    expect(back.error).toBeUndefined();
  });

  it('backs off exponentially while the API stays down', async () => {
    server.setMode('500');
    const c = client({ cacheSeconds: 300 });
    const attempts: number[] = [];
    for (let i = 0; i < 400; i++) {
      const before = server.requests.length;
      await c.current('national');
      if (server.requests.length > before) attempts.push(i);
      clock += 5;
    }
    const gaps = attempts.slice(1).map((a, i) => (a - attempts[i]!) * 5);
    expect(gaps.slice(0, 6)).toEqual([15, 30, 60, 120, 240, 300]);
    expect(Math.max(...gaps)).toBe(300);
  });
});

describe('forecast()', () => {
  it('gives 48 half-hours from the slot containing from, ascending', async () => {
    const c = client();
    const from = T('2024-03-10T10:07:00Z');
    const slots = await c.forecast('national', from, 24);
    expect(slots).toHaveLength(48);
    expect(slots[0]!.fromSeconds).toBe(T('2024-03-10T10:00:00Z'));
    slots.forEach((s, i) => {
      expect(s.fromSeconds).toBe(slots[0]!.fromSeconds + i * 1800);
      expect(s.actual ?? s.forecast).toBe(expectedIntensity('national', s.fromSeconds));
    });
    expect(server.requests).toEqual(['/intensity/2024-03-10T10:01Z/fw24h']);
    await c.current('national'); // same window: served from cache
    expect(server.requests).toHaveLength(1);
  });

  it('gives 96 regional half-hours for 48 h', async () => {
    const slots = await client({ postcode: 'OX11' }).forecast('regional', T('2024-03-10T10:30:00Z'), 48);
    expect(slots).toHaveLength(96);
    expect(slots[0]!.fromSeconds).toBe(T('2024-03-10T10:30:00Z'));
    expect(slots.every((s) => s.actual === null && s.forecast === expectedIntensity('regional', s.fromSeconds))).toBe(
      true
    );
    expect(server.requests).toEqual(['/regional/intensity/2024-03-10T10:31Z/fw48h/postcode/OX11']);
  });

  it.each([
    ['500', 'http', 500],
    ['garbage', 'parse', undefined],
    ['empty', 'empty', undefined],
    ['slow', 'timeout', undefined],
  ] as const)('throws CarbonIntensityError in mode %s', async (mode, kind, status) => {
    server.setMode(mode);
    server.setSlow(1500);
    const err = await client({ timeoutSeconds: 0.3 })
      .forecast('national', clock, 24)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CarbonIntensityError);
    expect((err as CarbonIntensityError).kind).toBe(kind);
    expect((err as CarbonIntensityError).status).toBe(status);
  });
});

describe('range()', () => {
  it('returns [from, to) without the leading boundary slot', async () => {
    const slots = await client().range('national', T('2024-03-10T00:00:00Z'), T('2024-03-11T00:00:00Z'));
    expect(slots).toHaveLength(48);
    expect(slots[0]!.fromSeconds).toBe(T('2024-03-10T00:00:00Z'));
    expect(slots.every((s) => s.actual === expectedIntensity('national', s.fromSeconds))).toBe(true);
  });

  it('de-duplicates the recorded duplicate row of 2021-04-19T19:00Z', async () => {
    const raw = (await (await fetch(`${server.url}/intensity/2021-04-19T00:00Z/2021-04-20T00:00Z`)).json()) as {
      data: Array<{ from: string }>;
    };
    expect(raw.data.filter((r) => r.from === '2021-04-19T19:00Z')).toHaveLength(2); // the trap is there
    const slots = await client().range('national', T('2021-04-19T00:00:00Z'), T('2021-04-20T00:00:00Z'));
    expect(slots).toHaveLength(48);
    expect(new Set(slots.map((s) => s.fromSeconds)).size).toBe(48);
  });

  it('splits at New Year so no day is lost', async () => {
    const from = T('2023-12-25T00:00:00Z');
    const to = T('2024-01-03T00:00:00Z');
    const unsplit = (await (await fetch(`${server.url}/intensity/2023-12-25T00:00Z/2024-01-03T00:00Z`)).json()) as {
      data: unknown[];
    };
    expect(unsplit.data.length).toBe(9 * 48 + 1 - 48); // the replayed API loses 31 December in one request
    const slots = await client().range('national', from, to);
    expect(slots).toHaveLength(9 * 48);
    slots.forEach((s, i) => expect(s.fromSeconds).toBe(from + i * 1800));
    expect(server.requests.slice(1)).toEqual([
      '/intensity/2023-12-25T00:00Z/2024-01-01T00:00Z',
      '/intensity/2024-01-01T00:00Z/2024-01-03T00:00Z',
    ]);
  });

  it('splits per 14 days, regional included', async () => {
    const from = T('2024-03-01T00:00:00Z');
    const slots = await client({ postcode: 'OX11' }).range('regional', from, from + 30 * 86400);
    expect(slots).toHaveLength(30 * 48);
    expect(server.requests).toEqual([
      '/regional/intensity/2024-03-01T00:00Z/2024-03-15T00:00Z/postcode/OX11',
      '/regional/intensity/2024-03-15T00:00Z/2024-03-29T00:00Z/postcode/OX11',
      '/regional/intensity/2024-03-29T00:00Z/2024-03-31T00:00Z/postcode/OX11',
    ]);
    expect(slots.every((s) => s.forecast === expectedIntensity('regional', s.fromSeconds))).toBe(true);
  });

  it('throws on an outage', async () => {
    server.setMode('down-400');
    const err = (await client()
      .range('national', clock - 86400, clock)
      .catch((e: unknown) => e)) as CarbonIntensityError;
    expect([err.kind, err.status]).toEqual(['http', 400]);
    expect(err.message).toMatch(/Please enter a valid datetime/);
  });
});
