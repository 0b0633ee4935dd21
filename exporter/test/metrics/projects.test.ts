/**
 * metrics.perWorkspace: false: the per-workspace families become one series per site and project, counters that
 * keep the closed workspaces' totals (so they never go down), promtool-clean, wired from the config.
 */
import { createMetrics } from '../../src/metrics/registry';
import { RetiredTotals } from '../../src/tracking/retired';
import { emptySnapshot, type TrackingSnapshot } from '../../src/tracking/snapshot';
import type { WorkspaceState } from '../../src/tracking/types';
import { parseExposition, testApp, testConfig } from '../support/app';
import { promtoolCheckMetrics } from '../support/promtool';

const ws = (id: string, over: Partial<WorkspaceState> = {}): WorkspaceState => ({
  id,
  job: 'node',
  instance: `${id}:9100`,
  site: 'isis',
  project: 'IDAaaS',
  machine: 'Muon',
  host: id,
  user: 'someone',
  experiment: 'unknown',
  startedAtSeconds: 1_790_000_000,
  cpus: 4,
  firstSeenSeconds: 1_790_000_100,
  lastSeenSeconds: 1_790_003_600,
  lastBusyCpuSeconds: 0,
  lastIdleCpuSeconds: 0,
  busyCpuSecondsTotal: 400,
  idleCpuSecondsTotal: 1000,
  runtimeSeconds: 100,
  busyJoules: 1000,
  idleJoules: 500,
  busyGrams: 2,
  idleGrams: 1,
  fallbackGrams: 0,
  powerWatts: 10,
  idlePowerWatts: 4,
  idleRatio: 0.7,
  status: 'active',
  partial: false,
  ...over,
});

let version = 0;
const snap = (workspaces: WorkspaceState[], retired?: RetiredTotals): TrackingSnapshot => ({
  ...emptySnapshot(),
  version: ++version,
  generatedAtSeconds: 1_790_003_600,
  workspaces,
  retired: retired?.totals(),
});

async function rendered(s: TrackingSnapshot, format: 'text' | 'openmetrics' = 'text') {
  const text = await createMetrics(() => s, '0.0.0-test', undefined, { perWorkspace: false }).render(format);
  return { text, samples: parseExposition(text) };
}

const ENERGY = 'ada_carbon_workspace_energy_joules_total';

describe('metrics.perWorkspace: false', () => {
  it('sums the workspace families per site and project, without machine, host, user or per-workspace-only families', async () => {
    const { text, samples } = await rendered(
      snap([ws('a'), ws('b', { powerWatts: 5, cpus: 8 }), ws('c', { site: 'clf', project: 'CDAaaS' })])
    );
    expect(samples.get(`${ENERGY}{site="isis",project="IDAaaS",state="busy"}`)).toBe(2000);
    expect(samples.get(`${ENERGY}{site="clf",project="CDAaaS",state="idle"}`)).toBe(500);
    expect(samples.get('ada_carbon_workspace_runtime_seconds_total{site="isis",project="IDAaaS"}')).toBe(200);
    expect(samples.get('ada_carbon_workspace_power_watts{site="isis",project="IDAaaS"}')).toBe(15);
    expect(samples.get('ada_carbon_workspace_cpus{site="isis",project="IDAaaS"}')).toBe(12);
    expect(samples.get('ada_carbon_workspaces{site="isis",status="active"}')).toBe(2);
    const workspaceLines = text.split('\n').filter((l) => l.startsWith('ada_carbon_workspace_'));
    expect(workspaceLines).toHaveLength(2 * 2 + 2 * 2 + 2 + 2 + 2 + 2);
    expect(workspaceLines.join('\n')).not.toMatch(/host=|machine=|user=/);
    expect(text).not.toMatch(/ada_carbon_workspace_idle_ratio|ada_carbon_workspace_started_timestamp_seconds/);
    expect(promtoolCheckMetrics(text)).toBe('');
    const om = (await rendered(snap([ws('a')]), 'openmetrics')).text;
    expect(om).toMatch(/^ada_carbon_workspace_energy_joules_total\{site="isis",project="IDAaaS",state="busy"\} 1000$/m);
    expect(om.endsWith('\n# EOF\n')).toBe(true);
  });

  it('keeps what closed workspaces reached, so the counters never go down, and counts a reopened one once', async () => {
    const retired = new RetiredTotals();
    const before = (await rendered(snap([ws('a'), ws('b')], retired))).samples;
    // b closes with its last totals; a goes on
    retired.add(ws('b', { status: 'closed' }));
    const after = (await rendered(snap([ws('a', { busyJoules: 1100 })], retired))).samples;
    const busy = `${ENERGY}{site="isis",project="IDAaaS",state="busy"}`;
    expect([before.get(busy), after.get(busy)]).toEqual([2000, 2100]);
    retired.add(ws('b', { status: 'closed' })); // closing twice counts once
    retired.reopen('b');
    const reopened = (await rendered(snap([ws('a', { busyJoules: 1100 }), ws('b', { busyJoules: 1200 })], retired)))
      .samples;
    expect(reopened.get(busy)).toBe(2300);
    expect(retired.totals()).toEqual([
      { site: 'isis', project: 'IDAaaS', busyJoules: 0, idleJoules: 0, busyGrams: 0, idleGrams: 0, runtimeSeconds: 0 },
    ]);
  });

  it('is set from the config, and a non-boolean is a clear config error', async () => {
    const app = await testApp(
      testConfig({
        metrics: { perWorkspace: false },
        prometheus: { url: 'http://127.0.0.1:9' },
        carbonIntensity: { url: 'http://127.0.0.1:9' },
      })
    );
    try {
      const body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(body).toMatch(/^# TYPE ada_carbon_workspace_energy_joules_total counter$/m);
      expect(body).not.toContain('ada_carbon_workspace_idle_ratio');
    } finally {
      await app.close();
    }
    expect(() => testConfig({ metrics: { perWorkspace: 'sometimes' } })).toThrow(/metrics\.perWorkspace/);
  });
});
