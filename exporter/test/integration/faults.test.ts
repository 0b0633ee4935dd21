/**
 * Faults: Prometheus down, slow, erroring and returning NaN/Inf; carbon API 500, garbage, empty, slow; store down;
 * exporter restart. The process stays up, the failing source shows in metrics and /readyz, nothing already counted
 * goes backwards, and energy is recovered after the outage.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { fleetTruth, type FleetHost, type FleetSpec } from '../../../tests/harness/fleet';
import type { RunningPrometheus } from '../../../tests/harness/prometheus';
import { startCarbonServer, type CarbonServer } from '../../../tests/harness/carbonServer';
import { startFleetPrometheus } from '../support/fleetPrometheus';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { FlakyStore } from '../support/flakyStore';
import { parseExposition, sumOf, tempDir, testApp, testConfig } from '../support/app';
import type { ReadyBody } from '../support/restTypes';
import { SqliteWorkspaceStore } from '../../src/store/sqlite';
import { BUSY_MODES, IDLE_MODES } from '../../src/model/modes';
import type { LoadedConfig } from '../../src/config';

const START = Date.UTC(2026, 10, 2, 0, 0) / 1000;
const hostA: FleetHost = {
  instance: 'a:9100',
  labels: { cloud_project_name: 'IDAaaS', machine_name: 'Muon', host: '10.0.0.1' },
  cpus: 2,
  modeShares: { user: 0.3, idle: 0.7 },
  memTotalBytes: 8 * 2 ** 30,
  memActiveBytes: 2 ** 30,
  bootTimeSeconds: START - 3600,
};
const spec: FleetSpec = { startSeconds: START, endSeconds: START + 4 * 3600, stepSeconds: 15, hosts: [hostA] };
const truth = fleetTruth(spec);
const W = { busy: 12, idle: 1.44 };
/** cpu energy only (memory and other set to 0 in this test's profile) */
const expectedJoules = (t: number) =>
  BUSY_MODES.reduce((a, m) => a + (truth.sampleAt(hostA, 'cpu', t, m) ?? 0), 0) * W.busy +
  IDLE_MODES.reduce((a, m) => a + (truth.sampleAt(hostA, 'cpu', t, m) ?? 0), 0) * W.idle;

let prom: RunningPrometheus;
let proxy: FaultProxy;
let carbon: CarbonServer;
let dir: string;
let clock = START;
let loaded: LoadedConfig;

beforeAll(async () => {
  [prom, carbon] = await Promise.all([startFleetPrometheus(spec), startCarbonServer({ now: () => clock })]);
  proxy = await startFaultProxy(prom.url);
  dir = tempDir();
  loaded = testConfig(
    {
      prometheus: { url: proxy.url, retries: 1, timeoutSeconds: 1 },
      carbonIntensity: { url: carbon.url, cacheSeconds: 0, timeoutSeconds: 1, fallbackGramsPerKwh: 150 },
      machines: { default: { busyWattsPerCpu: W.busy, idleWattsPerCpu: W.idle, memoryWattsPerGiB: 0, otherWatts: 0 } },
      tracking: { intervalSeconds: 60, closeAfterSeconds: 3600 },
    },
    dir
  );
}, 60000);

afterAll(async () => {
  await proxy?.stop();
  await Promise.all([prom?.stop(), carbon?.stop()]);
});

async function metrics(app: FastifyInstance) {
  const res = await app.inject('/metrics');
  expect(res.statusCode).toBe(200);
  return parseExposition(res.body);
}
const energy = (app: FastifyInstance) => {
  const w = app.tracker.snapshot.workspaces[0];
  return w ? w.busyJoules + w.idleJoules : 0;
};

describe('faults', () => {
  let app: FastifyInstance;
  let store: FlakyStore;
  afterAll(async () => app?.close());

  it('Prometheus down at start: cycle fails, /metrics still answers, /readyz stays ready and names prometheus', async () => {
    store = new FlakyStore(SqliteWorkspaceStore.open(loaded.config.store.sqlite.path));
    app = await testApp(loaded, { clock: () => clock, store });
    proxy.mode = 'down';
    clock = START + 600;
    const snap = await app.tracker.refresh(clock);
    expect(snap.lastCycle).toMatchObject({ ok: false });
    expect(snap.lastCycle?.error).toMatch(/^prometheus: /);
    const m = await metrics(app);
    expect(sumOf(m, 'ada_carbon_source_up', 'source="prometheus"')).toBe(0);
    expect(sumOf(m, 'ada_carbon_tracking_cycles_total', 'result="failed"')).toBe(1);
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json<ReadyBody>().ready).toBe(true);
    expect(ready.json<ReadyBody>().down).toContain('prometheus');
    expect(ready.json<ReadyBody>().sources.prometheus?.error).toMatch(/network|ECONNRESET|socket|closed/i);
    expect((await app.inject('/healthz')).statusCode).toBe(200);
  });

  it('recovers when Prometheus comes back and matches the hand-computed joules', async () => {
    proxy.mode = 'pass';
    clock = START + 1200;
    const snap = await app.tracker.refresh(clock);
    expect(snap.lastCycle?.ok).toBe(true);
    expect(energy(app) / expectedJoules(clock)).toBeCloseTo(1, 3);
    expect((await app.inject('/readyz')).statusCode).toBe(200);
  });

  it.each([
    ['slow (timeout)', 'slow', /timeout|timed out/i],
    ['an error envelope', 'envelope', /execution|too many samples/],
    ['HTTP 500', 'http500', /500/],
  ] as const)('keeps every count when Prometheus is %s, then catches up', async (_name, mode, message) => {
    const before = energy(app);
    proxy.mode = mode;
    clock += 600;
    const snap = await app.tracker.refresh(clock);
    expect(snap.lastCycle?.ok).toBe(false);
    expect(snap.sources.prometheus.lastError).toMatch(message);
    expect(energy(app)).toBe(before);
    const m = await metrics(app);
    expect(sumOf(m, 'ada_carbon_workspace_energy_joules_total')).toBeCloseTo(before, 3);
    proxy.mode = 'pass';
    clock += 600;
    await app.tracker.refresh(clock);
    expect(energy(app) / expectedJoules(clock)).toBeCloseTo(1, 3);
  });

  it('treats NaN/Inf counters as missing, never as numbers, and recovers', async () => {
    const before = energy(app);
    proxy.mode = 'nan';
    proxy.nanMatch = 'node_cpu_seconds_total';
    clock += 300;
    const snap = await app.tracker.refresh(clock);
    expect(snap.lastCycle?.ok).toBe(true);
    expect(snap.workspaces[0]).toMatchObject({ status: 'missing' });
    expect(energy(app)).toBe(before);
    expect(Number.isFinite(energy(app))).toBe(true);
    proxy.mode = 'pass';
    clock += 300;
    await app.tracker.refresh(clock);
    expect(app.tracker.snapshot.workspaces[0]?.status).toBe('active');
    expect(energy(app) / expectedJoules(clock)).toBeCloseTo(1, 3);
  });

  it.each(['500', 'garbage', 'empty', 'slow'] as const)(
    'carbon API %s: tracking goes on, intensity is marked, carbon_intensity is down',
    async (mode) => {
      carbon.setMode(mode);
      carbon.setSlow(5000);
      clock += 300;
      const before = app.tracker.snapshot.workspaces[0]!;
      const snap = await app.tracker.refresh(clock);
      expect(snap.lastCycle?.ok).toBe(true);
      expect(snap.sources.carbon_intensity.up).toBe(false);
      expect(snap.sources.carbon_intensity.lastError).toBeTruthy();
      const after = snap.workspaces[0]!;
      expect(after.busyJoules).toBeGreaterThan(before.busyJoules);
      expect(after.busyGrams).toBeGreaterThan(before.busyGrams);
      const m = await metrics(app);
      expect(sumOf(m, 'ada_carbon_source_up', 'source="carbon_intensity"')).toBe(0);
      expect(sumOf(m, 'ada_carbon_grid_intensity_grams_per_kilowatt_hour', 'area="national"')).toBeGreaterThan(0);
      const ready = await app.inject('/readyz');
      expect(ready.statusCode).toBe(200);
      expect(ready.json<ReadyBody>().down).toEqual(['carbon_intensity']);
      carbon.setMode('ok');
    }
  );

  it('uses the flagged fallback when the API has never answered', async () => {
    const fresh = await testApp(
      testConfig({
        prometheus: { url: proxy.url, retries: 0, timeoutSeconds: 2 },
        carbonIntensity: { url: carbon.url, cacheSeconds: 0, timeoutSeconds: 1, fallbackGramsPerKwh: 150 },
      }),
      { clock: () => clock }
    );
    carbon.setMode('500');
    try {
      const snap = await fresh.tracker.refresh(clock);
      expect(snap.intensity.national).toMatchObject({ gramsPerKwh: 150, fallback: true, source: 'fallback' });
      const w = snap.workspaces[0]!;
      expect(w.fallbackGrams).toBeCloseTo(w.busyGrams + w.idleGrams, 9);
      const m = await metrics(fresh);
      expect(sumOf(m, 'ada_carbon_grid_intensity_fallback', 'area="national"')).toBe(1);
      expect(sumOf(m, 'ada_carbon_workspaces_fallback_emissions_grams')).toBeGreaterThan(0);
    } finally {
      carbon.setMode('ok');
      await fresh.close();
    }
  });

  it('store down: tracking goes on in memory, store shows down, the states are written once it is back', async () => {
    store.down = true;
    clock += 300;
    const snap = await app.tracker.refresh(clock);
    expect(snap.lastCycle?.ok).toBe(true);
    expect(snap.sources.store.up).toBe(false);
    expect(sumOf(await metrics(app), 'ada_carbon_source_up', 'source="store"')).toBe(0);
    // the states are buffered in memory: still serving, the store named as down
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json<ReadyBody>().down).toEqual(['store']);
    store.down = false;
    clock += 300;
    await app.tracker.refresh(clock);
    expect(app.tracker.snapshot.sources.store.up).toBe(true);
    const saved = await store.listWorkspaces({ status: ['active'] });
    expect(saved[0]?.lastSeenSeconds).toBe(clock);
  });

  it('publishes a cycle before its states are written, and resolves refresh once they are', async () => {
    const inner = SqliteWorkspaceStore.open(path.join(tempDir(), 'ws.sqlite'));
    const gated = new FlakyStore(inner);
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let writes = 0;
    const save = gated.saveWorkspaces.bind(gated);
    gated.saveWorkspaces = async (states) => {
      writes++;
      await gate;
      return save(states);
    };
    const fresh = await testApp(loaded, { clock: () => clock, store: gated });
    try {
      const before = fresh.tracker.snapshot.version;
      let resolved = false;
      const done = fresh.tracker.refresh(clock).then(() => (resolved = true));
      for (let i = 0; writes === 0 && i < 400; i++) await new Promise((r) => setTimeout(r, 25));
      // the write is held: the cycle is already served, refresh has not resolved, nothing is stored yet
      expect(writes).toBe(1);
      expect(fresh.tracker.snapshot.version).toBe(before + 1);
      expect(fresh.tracker.snapshot.workspaces).toHaveLength(1);
      expect(energy(fresh)).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 50));
      expect(resolved).toBe(false);
      expect(await inner.listWorkspaces({ status: ['active'] })).toHaveLength(0);
      release();
      await done;
      expect(await inner.listWorkspaces({ status: ['active'] })).toHaveLength(1);
      // a write that succeeded changes no up state: the same snapshot, its store time shown from the next cycle
      expect(fresh.tracker.snapshot.version).toBe(before + 1);
      await fresh.tracker.refresh(clock + 60);
      expect(fresh.tracker.snapshot.sources.store.lastSuccessSeconds).toBe(clock);
    } finally {
      release();
      await fresh.close();
    }
  });

  it('store down at start: not ready (tracking waits for its state), ready once the store answers', async () => {
    const flaky = new FlakyStore(SqliteWorkspaceStore.open(path.join(tempDir(), 'ws.sqlite')));
    flaky.down = true;
    const fresh = await testApp(loaded, { clock: () => clock, store: flaky });
    try {
      await fresh.tracker.refresh(clock);
      const notReady = await fresh.inject('/readyz');
      expect(notReady.statusCode).toBe(503);
      expect(notReady.json<ReadyBody>()).toMatchObject({
        ready: false,
        down: expect.arrayContaining(['store']) as string[],
      });
      flaky.down = false;
      await fresh.tracker.refresh(clock + 60);
      expect((await fresh.inject('/readyz')).statusCode).toBe(200);
    } finally {
      await fresh.close();
    }
  });

  it('an exporter restart continues from the stored state', async () => {
    const before = app.tracker.snapshot.workspaces[0]!;
    await app.close();
    app = await testApp(loaded, { clock: () => clock });
    clock += 600;
    const snap = await app.tracker.refresh(clock);
    const after = snap.workspaces[0]!;
    expect(after.firstSeenSeconds).toBe(before.firstSeenSeconds);
    expect(after.busyJoules).toBeGreaterThan(before.busyJoules);
    expect(energy(app) / expectedJoules(clock)).toBeCloseTo(1, 3);
  });
});
