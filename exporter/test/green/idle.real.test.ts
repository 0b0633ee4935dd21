/**
 * Idle waste on tracked workspaces: a synthetic fleet in a real Prometheus, tracked through the injectable clock; the
 * projected daily saving of the idle host is checked against the hand computation from its profile.
 */
import type { FastifyInstance } from 'fastify';
import type { FleetHost, FleetSpec } from '../../../tests/harness/fleet';
import type { RunningPrometheus } from '../../../tests/harness/prometheus';
import { startCarbonServer, type CarbonServer } from '../../../tests/harness/carbonServer';
import { startFleetPrometheus } from '../support/fleetPrometheus';
import { parseExposition, testApp, testConfig } from '../support/app';
import { promtoolCheckMetrics } from '../support/promtool';
import type { IdleWasteBody } from '../support/restTypes';
import { shares } from '../support/fleetSpec';

const START = Date.UTC(2026, 10, 1, 0, 0) / 1000;
const END = START + 3600;
const GiB = 1024 ** 3;
const host = (n: number, project: string, busy: number, owner: string): FleetHost => ({
  instance: `host-172-16-0-${n}.nubes.example:9100`,
  labels: { cloud_project_name: project, machine_name: 'Muon', host: `172.16.0.${n}`, owner },
  cpus: 4,
  modeShares: shares(busy),
  memTotalBytes: 16 * GiB,
  memActiveBytes: 2 * GiB,
  bootTimeSeconds: START - 86400,
});
const spec: FleetSpec = {
  startSeconds: START,
  endSeconds: END,
  stepSeconds: 15,
  hosts: [host(1, 'IDAaaS', 0, 'alice'), host(2, 'IDAaaS', 0.5, 'bob'), host(3, 'CDAaaS', 0, 'carol')],
};
// 4 vCPU x 1.5 W + 2 GiB x 0.4 W/GiB + 5 W other = 11.8 W, x PUE 1.2 = 14.16 W, x 86,400 s
const IDLE_DAY_JOULES = 14.16 * 86400;

let prom: RunningPrometheus;
let carbon: CarbonServer;
let app: FastifyInstance;
let clock = START + 1200;

beforeAll(async () => {
  [prom, carbon] = await Promise.all([startFleetPrometheus(spec), startCarbonServer({ now: () => clock })]);
  app = await testApp(
    testConfig({
      prometheus: { url: prom.url, retries: 0, timeoutSeconds: 10 },
      carbonIntensity: { url: carbon.url, cacheSeconds: 0 },
      labels: { project: 'cloud_project_name', machine: 'machine_name', host: 'host', user: 'owner' },
      machines: { default: { busyWattsPerCpu: 12, idleWattsPerCpu: 1.5, memoryWattsPerGiB: 0.4, otherWatts: 5 } },
      pue: 1.2,
    }),
    { clock: () => clock }
  );
  for (const t of [START + 1200, START + 1500, START + 1800]) {
    clock = t;
    expect((await app.tracker.refresh(t)).lastCycle?.ok).toBe(true);
  }
  await app.green.forecast.refresh();
}, 120000);
afterAll(async () => {
  await app?.close();
  await Promise.all([prom?.stop(), carbon?.stop()]);
});

it('idle-waste per project: the idle host is a shutdown candidate saving its fully idle day', async () => {
  const r = await app.inject({ url: '/api/v1/idle-waste?level=project&key=IDAaaS' });
  expect(r.statusCode).toBe(200);
  const b = r.json<IdleWasteBody>();
  expect(b.intensity.basis).toBe('forecast_24h_mean');
  expect(b.now).toMatchObject({ workspaces: 2, idle_workspaces: 1 });
  expect(b.now.shutdown_saving_kwh_per_day).toBeCloseTo(IDLE_DAY_JOULES / 3.6e6, 9);
  expect(b.now.shutdown_saving_gCo2eq_per_day).toBeCloseTo((IDLE_DAY_JOULES / 3.6e6) * b.intensity.grams_per_kwh, 9);
  expect(b.intensity.gCo2eq_per_kwh).toBe(b.intensity.grams_per_kwh);
  for (const w of b.idle_workspaces) expect(w.machine_name).toBe(w.machine);
  expect(b.idle_workspaces).toEqual([expect.objectContaining({ host: '172.16.0.1', user: 'alice', cpus: 4 })]);
  expect(b.now.idle_kwh_since_start).toBeGreaterThan(0);
  expect(b.history.available).toBe(true);

  const user = (await app.inject({ url: '/api/v1/idle-waste?level=user&key=bob' })).json<IdleWasteBody>();
  expect(user.now).toMatchObject({ workspaces: 1, idle_workspaces: 0, shutdown_saving_kwh_per_day: 0 });
});

it('idle metrics per site and project pass promtool and match the REST view', async () => {
  const text = (await app.inject({ url: '/metrics' })).body;
  expect(promtoolCheckMetrics(text)).toBe('');
  const m = parseExposition(text);
  expect(m.get('ada_carbon_idle_workspaces{site="isis",project="IDAaaS"}')).toBe(1);
  expect(m.get('ada_carbon_idle_workspaces{site="clf",project="CDAaaS"}')).toBe(1);
  expect(m.get('ada_carbon_idle_shutdown_projected_daily_saving_joules{site="isis",project="IDAaaS"}')).toBeCloseTo(
    IDLE_DAY_JOULES,
    6
  );
  const rest = (await app.inject({ url: '/api/v1/idle-waste?level=site&key=clf' })).json<IdleWasteBody>();
  expect(m.get('ada_carbon_idle_shutdown_projected_daily_saving_grams{site="clf",project="CDAaaS"}')).toBeCloseTo(
    rest.now.shutdown_saving_gCo2eq_per_day,
    9
  );
  expect([...m.keys()].filter((k) => k.startsWith('ada_carbon_idle_workspaces{'))).toHaveLength(2);
});
