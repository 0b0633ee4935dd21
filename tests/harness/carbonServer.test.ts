// The replay server itself: shapes, traps and fault modes, checked against the recorded fixtures.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CarbonServer, DEFAULT_CARBON_FIXTURES_DIR, expectedIntensity, startCarbonServer } from './carbonServer';

const T = (iso: string): number => Date.parse(iso) / 1000;

// The parts of the API's answers these tests read.
interface Slot {
  from: string;
  to: string;
  intensity: { forecast: number; actual?: number | null; index: string };
  generationmix?: unknown[];
}
interface Region {
  regionid: number;
  shortname: string;
}
interface NationalBody {
  data: Slot[];
}
/** A regional window: `data` is one region object holding the half-hours. */
interface RegionalWindowBody {
  data: Region & { data: Slot[] };
}
/** A regional "current" answer: `data` is an array of regions. */
interface RegionalCurrentBody {
  data: Array<Region & { data: Slot[] }>;
}
interface ErrorBody {
  error: { message: string };
}

const fixture = <T = unknown>(name: string): T =>
  JSON.parse(readFileSync(resolve(DEFAULT_CARBON_FIXTURES_DIR, name), 'utf8')) as T;

let server: CarbonServer;
let clock = T('2024-03-10T10:07:00Z');
beforeEach(async () => {
  clock = T('2024-03-10T10:07:00Z');
  server = await startCarbonServer({ now: () => clock });
});
afterEach(async () => server.stop());

/** `body` is the parsed JSON as T, or undefined when the text is not JSON. */
async function get<T = unknown>(path: string): Promise<{ status: number; text: string; body: T }> {
  const res = await fetch(server.url + path);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, text, body: body as T };
}

describe('ok mode', () => {
  it('replays the recorded day exactly on its own date', async () => {
    clock = T('2024-03-12T00:00:00Z'); // all settled
    const { body } = await get<NationalBody>('/intensity/2024-03-10T00:00Z/2024-03-11T00:00Z');
    const recorded = fixture<NationalBody>('national_range_24h.json').data;
    expect(body.data).toHaveLength(49);
    expect(body.data.slice(1)).toEqual(recorded.slice(1));
  });

  it('keeps the boundary trap: a from on the half-hour leads with the slot ending there', async () => {
    const on = (await get<NationalBody>('/intensity/2031-07-04T21:00Z/fw24h')).body.data;
    expect(on).toHaveLength(49); // as national_fw24h_forecast
    expect([on[0]!.from, on[0]!.to]).toEqual(['2031-07-04T20:30Z', '2031-07-04T21:00Z']);
    expect(on[48]!.from).toBe('2031-07-05T20:30Z');
    const after = (await get<NationalBody>('/intensity/2031-07-04T21:01Z/fw24h')).body.data;
    expect(after[0]!.from).toBe('2031-07-04T21:00Z');
    const withSeconds = (await get<NationalBody>('/intensity/2031-07-04T21:00:00Z/fw48h')).body.data;
    expect(withSeconds).toHaveLength(97);
  });

  it('re-times values deterministically for any date, with the fixtures’ shape', async () => {
    const a = await get<NationalBody>('/intensity/2031-07-04T09:31Z/fw24h');
    const b = await get('/intensity/2031-07-04T09:31Z/fw24h');
    expect(a.text).toBe(b.text);
    for (const row of a.body.data) {
      expect(Object.keys(row)).toEqual(['from', 'to', 'intensity']);
      expect(Object.keys(row.intensity)).toEqual(['forecast', 'actual', 'index']);
      expect(row.intensity.actual).toBeNull(); // after the server clock
      expect(row.intensity.forecast).toBe(expectedIntensity('national', T(row.from), clock));
    }
  });

  it('gives actual for settled national slots and only forecast for regional ones', async () => {
    const past = (await get<NationalBody>('/intensity/2024-03-09T12:00Z/2024-03-09T13:00Z')).body.data;
    expect(past.map((r) => r.intensity.actual)).toEqual(
      past.map((r) => expectedIntensity('national', T(r.from), clock))
    );
    expect(past.some((r) => r.intensity.actual !== r.intensity.forecast)).toBe(true);
    const regional = (await get<RegionalWindowBody>('/regional/intensity/2024-03-09T12:01Z/fw24h/postcode/OX11')).body;
    expect(Array.isArray(regional.data)).toBe(false);
    expect(regional.data).toMatchObject({
      regionid: 12,
      dnoregion: 'SSE South',
      shortname: 'South England',
      postcode: 'OX11',
    });
    const rows = regional.data.data;
    expect(rows).toHaveLength(49); // 12:00 today .. 12:00 tomorrow: the window ends on the first slot past from+24h
    expect(Object.keys(rows[0]!.intensity)).toEqual(['forecast', 'index']);
    expect(rows[0]!.generationmix).toHaveLength(9);
    expect(rows.every((r) => r.intensity.forecast === expectedIntensity('regional', T(r.from)))).toBe(true);
  });

  it('cycles the recorded regional values', async () => {
    const recorded = fixture<RegionalWindowBody>('regional_fw48h_postcode.json').data.data.map(
      (r) => r.intensity.forecast
    );
    const rows = (await get<RegionalWindowBody>('/regional/intensity/2025-10-22T23:30Z/2025-10-23T04:00Z/regionid/11'))
      .body.data.data;
    const values = rows.map((r) => r.intensity.forecast);
    expect(new Set(values)).toEqual(new Set(recorded));
    expect(new Set(recorded).size).toBeGreaterThan(5);
  });

  it('answers current endpoints: national as an array of the last completed slot, regional postcode as an array', async () => {
    const national = (await get<NationalBody>('/intensity')).body;
    expect(national.data).toHaveLength(1);
    expect([national.data[0]!.from, national.data[0]!.to]).toEqual(['2024-03-10T09:30Z', '2024-03-10T10:00Z']);
    const regional = (await get<RegionalCurrentBody>('/regional/postcode/OX11')).body;
    expect(Array.isArray(regional.data)).toBe(true);
    expect(regional.data[0]!.regionid).toBe(12);
    expect(regional.data[0]!.data[0]!.from).toBe('2024-03-10T10:00Z');
    expect((await get<RegionalCurrentBody>('/regional/regionid/11')).body.data[0]!.shortname).toBe(
      'South West England'
    );
    expect((await get('/intensity/factors')).body).toEqual(fixture('intensity_factors.json'));
    expect((await get<NationalBody>('/intensity/date/2024-03-10')).body.data).toHaveLength(48);
  });

  it('reproduces the duplicate row and the New Year loss', async () => {
    const day = (await get<NationalBody>('/intensity/2021-04-19T00:00Z/2021-04-20T00:00Z')).body.data;
    expect(day.filter((r) => r.from === '2021-04-19T19:00Z')).toHaveLength(2);
    const ny = (await get<NationalBody>('/intensity/2023-12-30T00:00Z/2024-01-02T00:00Z')).body.data;
    expect(ny.some((r) => r.from.startsWith('2023-12-31'))).toBe(false);
    const split = (await get<NationalBody>('/intensity/2023-12-30T00:00Z/2024-01-01T00:00Z')).body.data;
    expect(split.filter((r) => r.from.startsWith('2023-12-31'))).toHaveLength(48);
  });

  it('refuses what the API refuses', async () => {
    expect((await get<ErrorBody>('/intensity/2024-03-01T00:00Z/2024-03-16T00:00Z')).body.error.message).toMatch(
      /14 days/
    );
    expect((await get('/intensity/not-a-time/fw24h')).body).toEqual(fixture('error_400.json'));
    const full = await get<ErrorBody>('/regional/intensity/2024-03-10T10:01Z/fw24h/postcode/OX11%200QX');
    expect(full.status).toBe(400);
    expect(full.body.error.message).toMatch(/postcode/);
    expect((await get('/nowhere')).status).toBe(404);
  });

  it('records request paths', async () => {
    await get('/intensity/2024-03-10T10:01Z/fw24h?x=1');
    await get('/regional/postcode/OX11');
    expect(server.requests).toEqual(['/intensity/2024-03-10T10:01Z/fw24h?x=1', '/regional/postcode/OX11']);
  });
});

describe('fault modes', () => {
  const path = '/intensity/2024-03-10T10:01Z/fw24h';
  it('500 answers the recorded outage body', async () => {
    server.setMode('500');
    const r = await get(path);
    expect([r.status, r.body]).toEqual([500, fixture('error_500.json')]);
  });
  it('down-400 answers the recorded 400 body', async () => {
    server.setMode('down-400');
    const r = await get(path);
    expect([r.status, r.body]).toEqual([400, fixture('error_400.json')]);
  });
  it('garbage answers 200 with a cut-off JSON body', async () => {
    server.setMode('garbage');
    const r = await get(path);
    expect(r.status).toBe(200);
    expect(r.text.startsWith('{"data":[{')).toBe(true);
    expect(r.body).toBeUndefined();
  });
  it('empty answers the right shape without half-hours', async () => {
    server.setMode('empty');
    expect((await get(path)).body).toEqual({ data: [] });
    const regional = (await get<RegionalWindowBody>('/regional/intensity/2024-03-10T10:01Z/fw24h/postcode/OX11')).body;
    expect(regional.data).toMatchObject({ regionid: 12, data: [] });
  });
  it('slow answers correctly after the delay, and stop() does not wait for it', async () => {
    server.setMode('slow');
    server.setSlow(300);
    const t0 = Date.now();
    const r = await get<NationalBody>(path);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(r.body.data).toHaveLength(49);
    server.setSlow(60000);
    const pending = fetch(server.url + path).catch((e: unknown) => e);
    await new Promise((ok) => setTimeout(ok, 50));
    const t1 = Date.now();
    await server.stop();
    expect(Date.now() - t1).toBeLessThan(1000);
    expect(String(await pending)).toMatch(/fetch failed/); // the connection was cut, not answered
    server = await startCarbonServer(); // for afterEach
  });
  it('back to ok', async () => {
    server.setMode('500');
    server.setMode('ok');
    expect((await get(path)).status).toBe(200);
  });
});

describe('expectedIntensity', () => {
  it('is actual once settled, forecast before', () => {
    const slot = T('2024-03-10T10:00:00Z');
    const recorded = fixture<NationalBody>('national_range_24h.json').data.find(
      (r) => r.from === '2024-03-10T10:00Z'
    )!.intensity;
    expect(expectedIntensity('national', slot, slot + 1800)).toBe(recorded.actual);
    expect(expectedIntensity('national', slot, slot + 1799)).toBe(recorded.forecast);
    expect(expectedIntensity('national', slot + 7 * 86400, slot + 8 * 86400)).toBe(recorded.actual); // by time of day
    expect(expectedIntensity('national', slot + 600, slot + 1800)).toBe(recorded.actual); // any instant in the slot
  });
});
