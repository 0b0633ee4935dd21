// CarbonIntensityClient.current() against the local replay server of the API (tests/harness/carbonServer.ts).
import { CarbonClientOptions, CarbonIntensityClient } from '../../src/sources/carbon';
import { slotStart } from '../../src/model/slots';
import { CarbonServer, expectedIntensity, startCarbonServer } from '../../../tests/harness/carbonServer';
import { carbonClient, FALLBACK, START, T } from './carbonSupport';

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
