/**
 * The greener-choices REST endpoints and metric families against the local replay of the carbon intensity API, at a
 * fixed clock. Expected values come from the replay server's own oracle (expectedIntensity) and a brute-force search
 * written here, not from the exporter's window code.
 */
import type { FastifyInstance } from 'fastify';
import {
  expectedIntensity,
  startCarbonServer,
  type CarbonArea,
  type CarbonServer,
} from '../../../tests/harness/carbonServer';
import { parseExposition, testApp, testConfig } from '../support/app';
import { promtoolCheckMetrics } from '../support/promtool';
import type {
  EquivalenciesBody,
  ErrorBody,
  ForecastBody,
  GreenestWindowBody,
  IdleWasteBody,
} from '../support/restTypes';

const NOW = Date.parse('2026-03-10T10:10:00Z') / 1000;
const FIRST = Date.parse('2026-03-10T10:00:00Z') / 1000;
let clock = NOW;
let carbon: CarbonServer;
let app: FastifyInstance;

beforeAll(async () => {
  carbon = await startCarbonServer({ now: () => clock });
  app = await testApp(
    testConfig({
      // never queried: these tests run no tracking cycle
      prometheus: { url: 'http://127.0.0.1:9', retries: 0 },
      carbonIntensity: { url: carbon.url, cacheSeconds: 0, postcode: 'OX11' },
      green: { windowHours: [1, 3, 8], idleRatioThreshold: 0.95 },
    }),
    { clock: () => clock }
  );
});
afterAll(async () => {
  await app?.close();
  await carbon?.stop();
});

const get = async <T>(url: string) => {
  const r = await app.inject({ method: 'GET', url });
  return { status: r.statusCode, body: r.json<T>() };
};

/** Lowest mean over n consecutive expected slots from FIRST within 48 h; earliest on ties. */
function bruteForce(area: 'national' | 'regional', n: number, now: number) {
  const first = Math.floor(now / 1800) * 1800;
  const v = Array.from({ length: 96 }, (_, i) => expectedIntensity(area, first + i * 1800, now));
  let best = { start: -1, mean: Infinity };
  for (let i = 0; i + n <= 96; i++) {
    const mean = v.slice(i, i + n).reduce((a, b) => a + b, 0) / n;
    if (mean < best.mean - 1e-9) best = { start: first + i * 1800, mean };
  }
  const nowMean = v.slice(0, n).reduce((a, b) => a + b, 0) / n;
  return { ...best, nowMean };
}

describe('GET /api/v1/intensity/forecast', () => {
  it('serves 96 half-hours per area from the current one, with the values the API gave', async () => {
    const { status, body } = await get<ForecastBody>('/api/v1/intensity/forecast');
    expect(status).toBe(200);
    expect(body.generated_at).toBe('2026-03-10T10:10:00.000Z');
    expect(body.areas.map((a) => a.area)).toEqual(['national', 'regional']);
    for (const a of body.areas) {
      expect(a.up).toBe(true);
      expect(a.slots).toHaveLength(96);
      expect(a.slots[0]).toMatchObject({
        from: '2026-03-10T10:00:00.000Z',
        to: '2026-03-10T10:30:00.000Z',
        offset_minutes: 0,
      });
      expect(a.slots[95]?.offset_minutes).toBe(2850);
      a.slots.forEach((s, i) =>
        expect(s.forecast_gco2_per_kwh).toBe(expectedIntensity(a.area as CarbonArea, FIRST + i * 1800, NOW))
      );
      expect(a.greenest.map((g) => g.duration)).toEqual(['1h', '3h', '8h']);
    }
    const one = await get<ForecastBody>('/api/v1/intensity/forecast?area=regional');
    expect(one.body.areas.map((a) => a.area)).toEqual(['regional']);
  });
});

describe('GET /api/v1/greenest-window', () => {
  it.each([
    [1, 'national'],
    [3, 'national'],
    [8, 'regional'],
    [2.5, 'regional'],
  ] as const)('%s h, %s: matches a brute-force search', async (hours, area) => {
    const { status, body } = await get<GreenestWindowBody>(`/api/v1/greenest-window?hours=${hours}&area=${area}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ area, forecast_up: true });
    const w = body.windows[0]!;
    const want = bruteForce(area, hours * 2, NOW);
    expect(w.available).toBe(true);
    expect(Date.parse(w.start!) / 1000).toBe(want.start);
    expect(Date.parse(w.end!) / 1000).toBe(want.start + hours * 3600);
    expect(w.mean_gco2_per_kwh).toBeCloseTo(want.mean, 9);
    expect(w.now_mean_gco2_per_kwh).toBeCloseTo(want.nowMean, 9);
    expect(w.saving_ratio).toBeCloseTo((want.nowMean - want.mean) / want.nowMean, 9);
    expect(w.message).toMatch(new RegExp(`^A ${w.duration} job is greenest started`));
  });

  it('without hours: the configured lengths, in the emissions area (regional with a postcode)', async () => {
    const { body } = await get<GreenestWindowBody>('/api/v1/greenest-window');
    expect(body.area).toBe('regional');
    expect(body.windows.map((w) => w.duration_hours)).toEqual([1, 3, 8]);
  });

  it.each([
    ['hours=1.25', /hours must be a whole number of half-hours from 0.5 to 48/],
    ['hours=0', /hours must be/],
    ['hours=49', /hours must be/],
    ['hours=abc', /got "abc"/],
    ['area=mars', /area must be national or regional, got "mars"/],
    ['colour=green', /must NOT have additional properties/],
  ])('400 for %s', async (query, message) => {
    const { status, body } = await get<ErrorBody>(`/api/v1/greenest-window?${query}`);
    expect(status).toBe(400);
    expect(body.message).toMatch(message);
  });
});

describe('GET /api/v1/equivalencies', () => {
  it('converts grams; energy rows at the reference intensity unless one is given', async () => {
    const ref = await get<EquivalenciesBody>('/api/v1/equivalencies?grams=1700');
    expect(ref.status).toBe(200);
    expect(ref.body).toMatchObject({ grams: 1700, grams_per_kwh: 129, intensity_basis: 'reference' });
    const by = Object.fromEntries(ref.body.equivalents.map((e) => [e.id, e]));
    expect(by.car_km).toMatchObject({ unit: 'km', amount: 10, grams_per_unit: 170 });
    expect(by.kettle_boils?.grams_per_unit).toBeCloseTo(0.11 * 129, 12);
    expect(by.tree_days?.source).toMatch(/EPA/);
    const given = await get<EquivalenciesBody>('/api/v1/equivalencies?grams=55&gramsPerKwh=50');
    expect(given.body.intensity_basis).toBe('given');
    expect(given.body.equivalents.find((e) => e.id === 'kettle_boils')?.amount).toBeCloseTo(10, 12); // 55 g / 5.5 g
  });

  it.each([
    ['', /querystring must have required property 'grams'/],
    ['grams=-5', /grams must be a number of grams of CO2e >= 0, got "-5"/],
    ['grams=lots', /grams must be/],
    ['grams=5&gramsPerKwh=0', /gramsPerKwh must be a grid intensity/],
  ])('400 for "%s"', async (query, message) => {
    const { status, body } = await get<ErrorBody>(`/api/v1/equivalencies?${query}`);
    expect(status).toBe(400);
    expect(body.message).toMatch(message);
  });
});

describe('GET /api/v1/idle-waste', () => {
  it('answers zeros for a key without workspaces, with the intensity basis', async () => {
    const { status, body } = await get<IdleWasteBody>('/api/v1/idle-waste?level=site&key=isis');
    expect(status).toBe(200);
    expect(body.now).toEqual({
      workspaces: 0,
      idle_workspaces: 0,
      idle_power_watts: 0,
      idle_kwh_since_start: 0,
      idle_gCo2eq_since_start: 0,
      shutdown_saving_kwh_per_day: 0,
      shutdown_saving_gCo2eq_per_day: 0,
    });
    expect(body.intensity.area).toBe('regional');
    expect(body.intensity.basis).toBe('forecast_24h_mean');
    const mean =
      Array.from({ length: 48 }, (_, i) => expectedIntensity('regional', FIRST + i * 1800, NOW)).reduce(
        (a, b) => a + b,
        0
      ) / 48;
    expect(body.intensity.grams_per_kwh).toBeCloseTo(mean, 9);
  });

  it.each([
    ['level=galaxy&key=x', /level must be one of site, project, user, host, got "galaxy"/],
    ['level=site', /required property 'key'/],
    ['level=site&key=%20', /key must not be blank/],
  ])('400 for %s', async (query, message) => {
    const { status, body } = await get<ErrorBody>(`/api/v1/idle-waste?${query}`);
    expect(status).toBe(400);
    expect(body.message).toMatch(message);
  });
});

describe('forecast metrics and the outage path', () => {
  it('spells intensities gCo2eq_per_kwh everywhere, the old names kept as equal deprecated aliases', async () => {
    const f = await get<ForecastBody>('/api/v1/intensity/forecast');
    const slot = f.body.areas[0]!.slots[0]!;
    expect(slot.forecast_gCo2eq_per_kwh).toBe(slot.forecast_gco2_per_kwh);
    const w = (await get<GreenestWindowBody>('/api/v1/greenest-window?hours=3')).body.windows[0]!;
    expect(w.mean_gCo2eq_per_kwh).toBe(w.mean_gco2_per_kwh);
    expect(w.now_mean_gCo2eq_per_kwh).toBe(w.now_mean_gco2_per_kwh);
    const e = (await get<EquivalenciesBody>('/api/v1/equivalencies?grams=100')).body;
    expect(e.gCo2eq_per_kwh).toBe(e.grams_per_kwh);
  });

  it('exposes bounded forecast and window families that pass promtool', async () => {
    await app.green.forecast.refresh();
    const text = (await app.inject({ url: '/metrics' })).body;
    expect(promtoolCheckMetrics(text)).toBe('');
    const m = parseExposition(text);
    const forecastKeys = [...m.keys()].filter((k) =>
      k.startsWith('ada_carbon_grid_intensity_forecast_grams_per_kilowatt_hour{')
    );
    expect(forecastKeys).toHaveLength(192);
    expect(
      m.get('ada_carbon_grid_intensity_forecast_grams_per_kilowatt_hour{area="national",offset_minutes="60"}')
    ).toBe(expectedIntensity('national', FIRST + 3600, NOW));
    const win = (await get<GreenestWindowBody>('/api/v1/greenest-window?hours=3&area=national')).body.windows[0]!;
    expect(m.get('ada_carbon_grid_greenest_window_start_timestamp_seconds{area="national",duration="3h"}')).toBe(
      Date.parse(win.start!) / 1000
    );
    expect(
      m.get('ada_carbon_grid_greenest_window_mean_grams_per_kilowatt_hour{area="national",duration="3h"}')
    ).toBeCloseTo(win.mean_gco2_per_kwh!, 9);
    expect(m.get('ada_carbon_grid_greenest_window_saving_ratio{area="national",duration="3h"}')).toBeCloseTo(
      win.saving_ratio!,
      9
    );
    expect(m.get('ada_carbon_grid_greenest_window_available{area="regional",duration="8h"}')).toBe(1);
    expect(m.get('ada_carbon_grid_forecast_up{area="regional"}')).toBe(1);
  });

  it('during an outage keeps the last forecast, then gives no advice once it has run out', async () => {
    carbon.setMode('500');
    clock = NOW + 1800; // next half-hour: the refresh fails, the cached 48 h still covers the future
    let snap = await app.green.forecast.refresh();
    expect(snap.areas.every((a) => !a.up && a.slots.length === 95)).toBe(true);
    let m = parseExposition((await app.inject({ url: '/metrics' })).body);
    expect(m.get('ada_carbon_grid_forecast_up{area="national"}')).toBe(0);
    expect(m.get('ada_carbon_grid_forecast_last_success_timestamp_seconds{area="national"}')).toBe(NOW);
    expect(m.get('ada_carbon_grid_greenest_window_available{area="national",duration="1h"}')).toBe(1);

    clock = NOW + 49 * 3600;
    snap = await app.green.forecast.refresh();
    expect(snap.areas.every((a) => a.slots.length === 0)).toBe(true);
    const { status, body } = await get<GreenestWindowBody>('/api/v1/greenest-window?hours=3');
    expect(status).toBe(200);
    expect(body.forecast_up).toBe(false);
    expect(body.windows[0]).toMatchObject({
      available: false,
      reason: 'no_forecast',
      start: null,
      message:
        'No advice for a 3h job: there is no forecast from now on (the carbon intensity API is unavailable; only the fallback intensity is known).',
    });
    const f = await get<ForecastBody>('/api/v1/intensity/forecast?area=national');
    expect(f.body.areas[0]).toMatchObject({ up: false, slots: [] });
    expect(f.body.areas[0]?.error).toMatch(/500/);
    const text = (await app.inject({ url: '/metrics' })).body;
    expect(promtoolCheckMetrics(text)).toBe('');
    m = parseExposition(text);
    expect(m.get('ada_carbon_grid_greenest_window_available{area="national",duration="1h"}')).toBe(0);
    expect([...m.keys()].some((k) => k.startsWith('ada_carbon_grid_greenest_window_start_timestamp_seconds{'))).toBe(
      false
    );
    expect([...m.keys()].some((k) => k.startsWith('ada_carbon_grid_intensity_forecast_grams_per_kilowatt_hour{'))).toBe(
      false
    );

    carbon.setMode('ok');
    snap = await app.green.forecast.refresh();
    expect(snap.areas.every((a) => a.up && a.slots.length === 96)).toBe(true);
  });
});
