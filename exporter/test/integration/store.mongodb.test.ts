/**
 * The app on a MongoDB store (FerretDB on loopback): down at start and mid-run it keeps tracking and serving /metrics
 * with the store source down, and once the store is back the persisted states equal the in-memory ones.
 */
import type { FastifyInstance } from 'fastify';
import type { FleetHost, FleetSpec } from '../../../tests/harness/fleet';
import type { RunningPrometheus } from '../../../tests/harness/prometheus';
import { startCarbonServer, type CarbonServer } from '../../../tests/harness/carbonServer';
import { startFerretDb, type RunningFerretDb } from '../../../tests/harness/ferretdb';
import { startFleetPrometheus } from '../support/fleetPrometheus';
import { parseExposition, sumOf, tempDir, testApp, testConfig } from '../support/app';
import type { LoadedConfig } from '../../src/config';

const START = Date.UTC(2026, 10, 2, 0, 0) / 1000;
const host = (n: number): FleetHost => ({
  instance: `h${n}:9100`,
  labels: { cloud_project_name: 'IDAaaS', machine_name: 'Muon', host: `10.0.0.${n}` },
  cpus: 2,
  modeShares: { user: 0.3, idle: 0.7 },
  memTotalBytes: 8 * 2 ** 30,
  memActiveBytes: 2 ** 30,
  bootTimeSeconds: START - 3600,
});
const spec: FleetSpec = {
  startSeconds: START,
  endSeconds: START + 4 * 3600,
  stepSeconds: 15,
  hosts: [host(1), host(2)],
};
const DATABASE = `ada_carbon_fault_${process.pid}`;

let prom: RunningPrometheus;
let carbon: CarbonServer;
let ferret: RunningFerretDb;
let loaded: LoadedConfig;
let app: FastifyInstance | undefined;
let clock = START;

beforeAll(async () => {
  [prom, carbon, ferret] = await Promise.all([
    startFleetPrometheus(spec),
    startCarbonServer({ now: () => clock }),
    startFerretDb(),
  ]);
  loaded = testConfig(
    {
      prometheus: { url: prom.url, retries: 1, timeoutSeconds: 1 },
      carbonIntensity: { url: carbon.url, cacheSeconds: 0, timeoutSeconds: 1, fallbackGramsPerKwh: 150 },
      tracking: { intervalSeconds: 60, closeAfterSeconds: 3600 },
      store: { sqlite: { path: `${tempDir()}/store.sqlite` }, mongodb: { url: ferret.url, database: DATABASE } },
    },
    tempDir()
  );
}, 90000);

afterAll(async () => {
  await app?.close();
  await Promise.all([prom?.stop(), carbon?.stop(), ferret?.close()]);
});

async function metrics(a: FastifyInstance): Promise<Map<string, number>> {
  const res = await a.inject('/metrics');
  expect(res.statusCode).toBe(200);
  return parseExposition(res.body);
}

const inMemory = (a: FastifyInstance): Map<string, number> =>
  new Map(a.tracker.snapshot.workspaces.map((w) => [w.id, w.busyJoules + w.idleJoules]));

describe('MongoDB store faults (FerretDB)', () => {
  it('MongoDB down at start: the app starts, /metrics serves, not ready until the state loads', async () => {
    await ferret.stop();
    const t0 = Date.now();
    app = await testApp(loaded, { clock: () => clock });
    expect(app.store.kind).toBe('mongodb');
    expect(Date.now() - t0).toBeLessThan(10000);
    clock = START + 600;
    await app.tracker.refresh(clock);
    expect(sumOf(await metrics(app), 'ada_carbon_source_up', 'source="store"')).toBe(0);
    expect((await app.inject('/readyz')).statusCode).toBe(503);
    await ferret.start();
    clock += 60;
    await app.tracker.refresh(clock);
    expect(app.tracker.snapshot.sources.store.up).toBe(true);
    expect((await app.inject('/readyz')).statusCode).toBe(200);
  }, 60000);

  it('stopped mid-run: tracking and /metrics go on; restarted: caught up, persisted equals in memory', async () => {
    const a = app!;
    for (let i = 0; i < 3; i++) {
      clock += 60;
      await a.tracker.refresh(clock);
    }
    expect(a.tracker.snapshot.workspaces.length).toBe(2);
    await ferret.stop();
    const before = inMemory(a);
    for (let i = 0; i < 3; i++) {
      clock += 60;
      const snap = await a.tracker.refresh(clock);
      expect(snap.lastCycle?.ok).toBe(true);
    }
    expect(sumOf(await metrics(a), 'ada_carbon_source_up', 'source="store"')).toBe(0);
    const during = inMemory(a);
    for (const [id, j] of during) expect(j).toBeGreaterThan(before.get(id)!);

    await ferret.start();
    clock += 60;
    await a.tracker.refresh(clock);
    expect(sumOf(await metrics(a), 'ada_carbon_source_up', 'source="store"')).toBe(1);
    // read back from FerretDB through the app's own store (a second client made FerretDB 1.24.2 panic, see deploy.md)
    const stored = new Map((await a.store.listWorkspaces()).map((s) => [s.id, s.busyJoules + s.idleJoules]));
    const live = inMemory(a);
    expect([...stored.keys()].sort()).toEqual([...live.keys()].sort());
    for (const [id, j] of live) expect(stored.get(id)).toBeCloseTo(j, 6);
  }, 90000);
});
