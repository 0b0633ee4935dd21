// CarbonIntensityClient.forecast() and range() against the local replay server of the API.
import { CarbonClientOptions, CarbonIntensityClient, CarbonIntensityError } from '../../src/sources/carbon';
import { CarbonServer, expectedIntensity, startCarbonServer } from '../../../tests/harness/carbonServer';
import { carbonClient, START, T } from './carbonSupport';

let server: CarbonServer;
let clock: number;

function client(extra: Partial<CarbonClientOptions> = {}): CarbonIntensityClient {
  return carbonClient(server.url, () => clock, extra);
}

beforeEach(async () => {
  server = await startCarbonServer();
  clock = START;
});
afterEach(async () => server.stop());

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
