// CarbonIntensityClient.current(): the response cache, and cached data through outages and backoff.
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
