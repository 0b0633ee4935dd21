// CarbonIntensityClient.current(): every fault of the API gives the flagged fallback with its reason.
import { CarbonClientOptions, CarbonIntensityClient } from '../../src/sources/carbon';
import { CarbonServer, CarbonServerMode, startCarbonServer } from '../../../tests/harness/carbonServer';
import { carbonClient, FALLBACK, START, T } from './carbonSupport';
import { fixture, sendJson, startHttpStub } from './httpStub';

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
