/** Server-side cost of each part of the backfill's range query (a diagnostic for bench/history.ts). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adaFleet } from '../../tests/harness/fleet';
import { writeFleetOpenMetrics } from '../../tests/harness/openmetrics';
import { createBlocks } from '../../tests/harness/blocks';
import { startPrometheus } from '../../tests/harness/prometheus';

async function main(): Promise<void> {
  const hosts = Number(process.argv[2] ?? 100);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-prof-'));
  const end = Math.floor(Date.now() / 1000 / 86400) * 86400 - 86400;
  const start = end - 86400;
  const spec = adaFleet({ hosts, cpus: 4, startSeconds: start - 600, endSeconds: end + 600, stepSeconds: 300, events: false });
  await writeFleetOpenMetrics(spec, path.join(dir, 'fleet.om'));
  await createBlocks(path.join(dir, 'fleet.om'), path.join(dir, 'blocks'), { maxBlockDuration: '24h' });
  const prom = await startPrometheus({ blocksDir: path.join(dir, 'blocks') });
  const G = 'job, instance, cloud_project_name, machine_name, host';
  const qs: Record<string, string> = {
    current: `sum by (${G}, mode) (node_cpu_seconds_total)`,
    byInstance: `sum by (job, instance, mode) (node_cpu_seconds_total)`,
    last5m: `sum by (${G}, mode) (last_over_time(node_cpu_seconds_total[5m]))`,
    floorLike: `sum by (${G}, mode) (increase(node_cpu_seconds_total[1800s]))`,
  };
  for (let round = 0; round < 2; round++) {
    for (const [name, q] of Object.entries(qs)) {
      const t0 = performance.now();
      const r = await fetch(`${prom.url}/api/v1/query_range`, { method: 'POST', body: new URLSearchParams({ query: q, start: String(start), end: String(end), step: '1800', stats: 'all' }) });
      const body = await r.json() as any;
      console.log(round, name, ((performance.now() - t0) / 1000).toFixed(3), body.data?.stats?.timings?.execTotalTime, body.error ?? '');
    }
  }
  await prom.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
main();
