/**
 * The fleet tracking suite, run against each query engine: a synthetic Ada fleet with known cpu-seconds, tracked by
 * the exporter at past instants through its injectable clock; the joules must match the hand computation from the
 * profile. Returns what engine-specific tests need.
 */
import type { FleetSpec } from '../../../tests/harness/fleet';
import type { PrometheusApiServer } from '../../../tests/harness/victoriaMetrics';
import { startCarbonServer, expectedIntensity, type CarbonServer } from '../../../tests/harness/carbonServer';
import { parseExposition, sumOf, testApp, testConfig } from './app';
import { promtoolCheckMetrics } from './promtool';
import type { ErrorBody, WorkspacesBody } from './restTypes';
import { BUSY_MODES } from '../../src/model/modes';
import { END, expectedJoules, HOSTILE, profiles, PUE, spec, START, sum } from './fleetSpec';
import type { FastifyInstance } from 'fastify';

export function fleetTrackingSuite(
  engine: string,
  start: (fleet: FleetSpec) => Promise<PrometheusApiServer>
): { server: () => PrometheusApiServer } {
  let prom: PrometheusApiServer;
  let carbon: CarbonServer;
  let app: FastifyInstance;
  let clock = START;
  const cycleTimes: number[] = [];

  beforeAll(async () => {
    [prom, carbon] = await Promise.all([start(spec), startCarbonServer({ now: () => clock })]);
    app = await testApp(
      testConfig({
        prometheus: { url: prom.url, retries: 0, timeoutSeconds: 10 },
        carbonIntensity: { url: carbon.url, cacheSeconds: 0 },
        labels: { project: 'cloud_project_name', machine: 'machine_name', host: 'host', user: 'owner' },
        machines: profiles,
        pue: PUE,
        tracking: { intervalSeconds: 60, closeAfterSeconds: 600 },
        metrics: { userLabel: true },
      }),
      { clock: () => clock }
    );
    // cycles every 5 minutes from 00:30 to the end, with a 25-minute "outage" (no cycles) in the middle
    for (let t = START + 1800; t <= END; t += 300) {
      if (t > START + 4000 && t < START + 5500) continue;
      clock = t;
      const snap = await app.tracker.refresh(t);
      expect(snap.lastCycle).toMatchObject({ ok: true, queries: 5 });
      cycleTimes.push(t);
    }
  }, 120000);

  afterAll(async () => {
    await app?.close();
    await Promise.all([prom?.stop(), carbon?.stop()]);
  });

  describe(`tracking a synthetic fleet in a real ${engine}`, () => {
    it('matches the hand-computed joules of every live workspace within 1%', () => {
      const last = cycleTimes[cycleTimes.length - 1]!;
      for (const h of [spec.hosts[0]!, spec.hosts[1]!, spec.hosts[3]!, spec.hosts[5]!]) {
        const w = app.tracker.snapshot.workspaces.find((x) => x.instance === h.instance)!;
        expect(w).toBeDefined();
        const e = expectedJoules(h, h.bootTimeSeconds, last);
        expect((w.busyJoules + w.idleJoules) / e.total).toBeCloseTo(1, 2);
        expect(w.busyJoules).toBeGreaterThanOrEqual(e.cpuBusy * 0.999);
        expect(w.idleJoules).toBeGreaterThanOrEqual(e.cpuIdle * 0.999);
        expect(w.busyCpuSecondsTotal).toBeCloseTo(sum(h, last, BUSY_MODES), 6);
      }
    });

    it('closes a rebooted workspace with its energy and starts a new one from the reboot', async () => {
      const h = spec.hosts[2]!;
      const reboot = START + 5400;
      const stored = await app.store.listWorkspaces();
      const old = stored.find((w) => w.instance === h.instance && w.startedAtSeconds === h.bootTimeSeconds)!;
      const fresh = app.tracker.snapshot.workspaces.find((w) => w.instance === h.instance)!;
      expect(old.status).toBe('closed');
      expect(fresh.startedAtSeconds).toBe(reboot);
      const lastBefore = Math.max(...cycleTimes.filter((t) => t < reboot));
      expect((old.busyJoules + old.idleJoules) / expectedJoules(h, h.bootTimeSeconds, lastBefore).total).toBeCloseTo(
        1,
        2
      );
      const last = cycleTimes[cycleTimes.length - 1]!;
      expect((fresh.busyJoules + fresh.idleJoules) / expectedJoules(h, reboot, last).total).toBeCloseTo(1, 2);
    });

    it('closes a deleted host after closeAfterSeconds and keeps its totals in the store', async () => {
      const h = spec.hosts[4]!;
      expect(app.tracker.snapshot.workspaces.find((w) => w.instance === h.instance)).toBeUndefined();
      const closed = (await app.store.listWorkspaces({ status: ['closed'] })).find((w) => w.instance === h.instance)!;
      expect(closed.machine).toBe(HOSTILE);
      expect(closed.busyJoules + closed.idleJoules).toBeGreaterThan(0);
    });

    it('uses the grid intensity of each cycle for the grams', () => {
      const w = app.tracker.snapshot.workspaces.find((x) => x.instance === spec.hosts[0]!.instance)!;
      const intensities = cycleTimes.map((t) => expectedIntensity('national', t - (t % 1800), t));
      const min = Math.min(...intensities);
      const max = Math.max(...intensities);
      const perKwh = (w.busyGrams + w.idleGrams) / ((w.busyJoules + w.idleJoules) / 3.6e6);
      expect(perKwh).toBeGreaterThanOrEqual(min - 1e-9);
      expect(perKwh).toBeLessThanOrEqual(max + 1e-9);
      expect(w.fallbackGrams).toBe(0);
    });

    it('exposes the same numbers on /metrics, hostile labels escaped, accepted by promtool', async () => {
      const res = await app.inject('/metrics');
      expect(res.statusCode).toBe(200);
      expect(promtoolCheckMetrics(res.body)).toBe('');
      const samples = parseExposition(res.body);
      for (const w of app.tracker.snapshot.workspaces) {
        const got = sumOf(samples, 'ada_carbon_workspace_energy_joules_total', `host="${w.host}"`, 'state="busy"');
        expect(got).toBeCloseTo(w.busyJoules, 3);
      }
      expect(sumOf(samples, 'ada_carbon_workspace_cpus', 'site="clf"')).toBe(8);
      expect(sumOf(samples, 'ada_carbon_workspace_power_watts', 'site="unknown"', 'project="TDAaaS"')).toBeGreaterThan(
        0
      );
      expect(res.body).toContain('user="user1"');
    });

    it('serves the workspaces over REST, filtered by site, and rejects a bad query with a clear 400', async () => {
      const res = await app.inject('/api/v1/workspaces?site=isis');
      expect(res.statusCode).toBe(200);
      const body = res.json<WorkspacesBody>();
      expect(body.workspaces.map((w) => w.host).sort()).toEqual(['172.16.0.1', '172.16.0.4']);
      expect(body.workspaces[0]).toMatchObject({ project: 'IDAaaS', machine: 'Muon', cpus: 4, status: 'active' });
      expect(body.workspaces[0]?.busy_kwh).toBeGreaterThan(0);
      const bad = await app.inject('/api/v1/workspaces?site=mars');
      expect(bad.statusCode).toBe(400);
      expect(bad.json<ErrorBody>().message).toMatch(/unknown site "mars"; configured sites: clf, isis, diamond/);
      const typo = await app.inject('/api/v1/workspaces?sit=isis');
      expect(typo.statusCode).toBe(400);
      expect(typo.json<ErrorBody>().message).toMatch(/sit|additional/);
    });

    it("gives each workspace the seed's ActiveWorkspace fields, machine_name beside the deprecated machine, and runtime seconds", async () => {
      const body = (await app.inject('/api/v1/workspaces')).json<WorkspacesBody>();
      const samples = parseExposition((await app.inject('/metrics')).body);
      expect(body.workspaces.length).toBeGreaterThan(0);
      for (const w of body.workspaces) {
        for (const k of [
          'instance',
          'machine_name',
          'busy_kwh',
          'idle_kwh',
          'busy_gCo2eq',
          'idle_gCo2eq',
          'started_at',
        ])
          expect(w).toHaveProperty(k);
        expect(w.machine_name).toBe(w.machine);
        expect([w.busy_cpu_seconds_total, w.idle_cpu_seconds_total]).toEqual([w.busy_cpu_seconds, w.idle_cpu_seconds]);
        // the fleet's vCPU counts do not change, so runtime is the busy cpu-seconds over them
        expect(w.runtime_seconds).toBeCloseTo(w.busy_cpu_seconds / w.cpus, 6);
        expect(w.runtime_seconds).toBeLessThanOrEqual((Date.parse(w.last_seen_at) - Date.parse(w.started_at)) / 1000);
        const metric = sumOf(samples, 'ada_carbon_workspace_runtime_seconds_total', `host="${w.host}"`);
        expect(metric).toBeCloseTo(w.runtime_seconds, 3);
      }
    });
  });
  return { server: () => prom };
}
