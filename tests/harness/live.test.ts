import * as os from 'os';
import { startNodeExporter, type RunningNodeExporter } from './nodeExporter';
import { startPrometheus, type PromSample, type RunningPrometheus } from './prometheus';
import { liveProcessCount } from './process';

// Real node_exporter scraped by real Prometheus on loopback.
describe('node_exporter scraped by Prometheus', () => {
  let exporter: RunningNodeExporter;
  let prom: RunningPrometheus;

  beforeAll(async () => {
    exporter = await startNodeExporter();
    prom = await startPrometheus({
      scrapeIntervalSeconds: 1,
      scrapeConfigs: [
        {
          job_name: 'node',
          static_configs: [
            { targets: [exporter.address], labels: { cloud_project_name: 'IDAaaS', machine_name: 'Muon (test)' } },
          ],
        },
      ],
    });
  });

  afterAll(async () => {
    await prom?.stop();
    await exporter?.stop();
    expect(liveProcessCount()).toBe(0);
  });

  it('listens on loopback addresses', () => {
    expect(exporter.address).toBe(`127.0.0.1:${exporter.port}`);
    expect(prom.url).toBe(`http://127.0.0.1:${prom.port}`);
  });

  it('serves only the chosen collectors', async () => {
    const text = await (await fetch(`${exporter.url}/metrics`)).text();
    expect(text).toMatch(/^node_boot_time_seconds /m);
    expect(text).toMatch(/^node_memory_Active_bytes /m);
    expect(text).toMatch(/^node_load1 /m);
    expect(text).not.toMatch(/^node_filesystem_/m);
    expect(text).not.toMatch(/^go_goroutines/m);
  });

  it('up is 1 and node_cpu_seconds_total has the local CPU count', async () => {
    const deadline = Date.now() + 30000;
    let up: PromSample[] = [];
    while (Date.now() < deadline) {
      up = (await prom.query('up{job="node"}')).result;
      if (up.length > 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(up).toHaveLength(1);
    const [sample] = up;
    expect(sample!.value[1]).toBe('1');
    expect(sample!.metric.machine_name).toBe('Muon (test)');
    const cpus = await prom.query('count(count by (cpu) (node_cpu_seconds_total{job="node"}))');
    expect(Number(cpus.result[0]!.value[1])).toBe(os.cpus().length);
    const modes = await prom.query<{ metric: { mode: string } }>(
      'count by (mode) (node_cpu_seconds_total{job="node"})'
    );
    expect(modes.result.map((r) => r.metric.mode).sort()).toEqual(expect.arrayContaining(['idle', 'system', 'user']));
  });
});
