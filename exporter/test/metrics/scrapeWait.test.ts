/**
 * A scrape during a long rendering (tens of thousands of workspaces) gets the previous exposition after a short wait
 * instead of waiting for the whole rendering; render() and the next scrapes give the new one.
 */
import { createMetrics, SCRAPE_WAIT_MS } from '../../src/metrics/registry';
import { emptySnapshot, type TrackingSnapshot } from '../../src/tracking/snapshot';
import type { WorkspaceState } from '../../src/tracking/types';

const WORKSPACES = 30_000;

/** The exporter's own lines: the process families are read fresh at every scrape. */
const own = (body: string | Buffer): string[] =>
  String(body)
    .split('\n')
    .filter((l) => l.startsWith('ada_carbon_'));

const ws = (i: number, powerWatts: number): WorkspaceState => ({
  id: `w${i}`,
  job: 'node',
  instance: `host-${i}:9100`,
  site: 'isis',
  project: 'IDAaaS',
  machine: 'Muon',
  host: `host-${i}`,
  user: 'unknown',
  experiment: 'unknown',
  startedAtSeconds: 1_790_000_000,
  cpus: 4,
  firstSeenSeconds: 1_790_000_100,
  lastSeenSeconds: 1_790_003_600,
  lastBusyCpuSeconds: 0,
  lastIdleCpuSeconds: 0,
  busyCpuSecondsTotal: 10,
  idleCpuSecondsTotal: 20,
  busyJoules: 100 + i,
  idleJoules: 50,
  busyGrams: 1,
  idleGrams: 1,
  fallbackGrams: 0,
  powerWatts,
  idlePowerWatts: 1,
  idleRatio: 0.5,
  status: 'active',
  partial: false,
});

it('serves the previous exposition to a scrape while the next one renders, then the new one', async () => {
  let snap: TrackingSnapshot = { ...emptySnapshot(), version: 1, workspaces: [ws(0, 7.25)] };
  const m = createMetrics(() => snap, '0.0.0-test');
  const first = await m.scrape('text', false);
  expect(String(first.body)).toContain('} 7.25\n');

  snap = { ...snap, version: 2, workspaces: Array.from({ length: WORKSPACES }, (_, i) => ws(i, 9.5)) };
  let freshDone = false;
  const fresh = m.render().then((t) => ((freshDone = true), t));
  const t0 = performance.now();
  const during = await m.scrape('text', false);
  const waitedMs = performance.now() - t0;
  expect(freshDone).toBe(false);
  expect(own(during.body)).toEqual(own(first.body));
  expect(waitedMs).toBeGreaterThanOrEqual(SCRAPE_WAIT_MS - 5);

  expect(await fresh).toContain('} 9.5\n');
  const after = await m.scrape('text', false);
  expect(String(after.body).match(/^ada_carbon_workspace_power_watts\{/gm)).toHaveLength(WORKSPACES);
}, 60_000);
