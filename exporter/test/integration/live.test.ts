/** This machine, live: a real prometheus-node-exporter scraped by a real Prometheus, tracked by the exporter. */
import os from 'node:os';
import type { FastifyInstance } from 'fastify';
import { startNodeExporter, type RunningNodeExporter } from '../../../tests/harness/nodeExporter';
import { startPrometheus, type RunningPrometheus } from '../../../tests/harness/prometheus';
import { startCarbonServer, type CarbonServer } from '../../../tests/harness/carbonServer';
import { parseExposition, sumOf, testApp, testConfig } from '../support/app';
import { promtoolCheckMetrics } from '../support/promtool';
import { runCli } from '../../src/cli';

let node: RunningNodeExporter;
let prom: RunningPrometheus;
let carbon: CarbonServer;
let app: FastifyInstance;
const profile = { busyWattsPerCpu: 12, idleWattsPerCpu: 1.44, memoryWattsPerGiB: 0.3725, otherWatts: 2 };

async function until(check: () => Promise<boolean>, ms = 30000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  node = await startNodeExporter();
  [prom, carbon] = await Promise.all([
    startPrometheus({
      scrapeIntervalSeconds: 1,
      scrapeConfigs: [
        {
          job_name: 'node',
          static_configs: [
            {
              targets: [node.address],
              labels: { cloud_project_name: 'IDAaaS', machine_name: 'Muon', host: os.hostname() },
            },
          ],
        },
      ],
    }),
    startCarbonServer(),
  ]);
  await until(async () => (await prom.query('node_boot_time_seconds{job="node"}')).result.length > 0);
  app = await testApp(
    testConfig({
      prometheus: { url: prom.url, selector: 'job="node"' },
      carbonIntensity: { url: carbon.url },
      machines: { default: profile },
    })
  );
}, 90000);

afterAll(async () => {
  await app?.close();
  await Promise.all([prom?.stop(), node?.stop(), carbon?.stop()]);
});

describe('live tracking of this machine', () => {
  it('shows this machine as a workspace whose joules grow at a plausible rate', async () => {
    const first = await app.tracker.refresh();
    expect(first.lastCycle).toMatchObject({ ok: true, queries: 5 });
    const w1 = first.workspaces[0]!;
    expect(first.workspaces).toHaveLength(1);
    expect(w1).toMatchObject({
      site: 'isis',
      project: 'IDAaaS',
      machine: 'Muon',
      host: os.hostname(),
      cpus: os.cpus().length,
    });
    expect(Math.abs(w1.startedAtSeconds - (Date.now() / 1000 - os.uptime()))).toBeLessThan(5);
    await new Promise((r) => setTimeout(r, 4000));
    const second = await app.tracker.refresh();
    const w2 = second.workspaces[0]!;
    // power is over the counters' own span (scrape to scrape), within a scrape interval of the cycles' span
    const seconds = w2.lastSampleSeconds! - w1.lastSampleSeconds!;
    expect(Math.abs(seconds - (w2.lastSeenSeconds - w1.lastSeenSeconds))).toBeLessThanOrEqual(1.5);
    const watts = (w2.busyJoules + w2.idleJoules - w1.busyJoules - w1.idleJoules) / seconds;
    const cpus = os.cpus().length;
    // between all CPUs idle with no memory and the physical limit: all busy with all memory active
    const memGiB = os.totalmem() / 2 ** 30;
    expect(watts).toBeGreaterThan(cpus * profile.idleWattsPerCpu * 0.5);
    expect(watts).toBeLessThanOrEqual(
      cpus * profile.busyWattsPerCpu + memGiB * profile.memoryWattsPerGiB + profile.otherWatts
    );
    expect(w2.powerWatts).toBeCloseTo(watts, 6);
    expect(w2.idleRatio).toBeGreaterThanOrEqual(0);
    expect(w2.idleRatio).toBeLessThanOrEqual(1);
  }, 30000);

  it('serves metrics that promtool accepts and the build info', async () => {
    const res = await app.inject('/metrics');
    expect(promtoolCheckMetrics(res.body)).toBe('');
    const m = parseExposition(res.body);
    expect(sumOf(m, 'ada_carbon_build_info')).toBe(1);
    expect(sumOf(m, 'ada_carbon_workspace_energy_joules_total', 'site="isis"')).toBeGreaterThan(0);
    expect(sumOf(m, 'ada_carbon_tracking_cycle_duration_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(sumOf(m, 'ada_carbon_tracking_cycle_queries')).toBe(5);
  });

  it('track --once --json prints the workspace; a failing Prometheus exits 1', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const env = {
      ADA_CARBON_PROMETHEUS_URL: prom.url,
      ADA_CARBON_PROMETHEUS_SELECTOR: 'job="node"',
      ADA_CARBON_CARBON_INTENSITY_URL: carbon.url,
      ADA_CARBON_STORE_SQLITE_PATH: ':memory:',
      ADA_CARBON_LOG_LEVEL: 'silent',
    };
    const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s), env, cwd: os.tmpdir() };
    expect(await runCli(['track', '--once', '--json'], io)).toBe(0);
    const printed = JSON.parse(out.join('\n')) as { ok: boolean; workspaces: unknown[] };
    expect(printed.ok).toBe(true);
    expect(printed.workspaces).toEqual([expect.objectContaining({ host: os.hostname(), site: 'isis' })]);

    out.length = 0;
    expect(await runCli(['track', '--once'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/site\s+project\s+machine[\s\S]*isis\s+IDAaaS\s+Muon/);

    const down = {
      ...io,
      env: { ...env, ADA_CARBON_PROMETHEUS_URL: 'http://127.0.0.1:9', ADA_CARBON_PROMETHEUS_RETRIES: '0' },
    };
    expect(await runCli(['track', '--once'], down)).toBe(1);
    expect(err.join('\n')).toMatch(/tracking cycle failed: prometheus:/);
  }, 30000);
});
