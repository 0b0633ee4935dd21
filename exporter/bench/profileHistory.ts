/**
 * Where the backfill's time goes (a diagnostic for bench/history.ts): each candidate range query timed end to end
 * (server exec, wall with the body read, response size, client parse), on a synthetic fleet in a real Prometheus.
 *   npx tsx exporter/bench/profileHistory.ts [hosts=500] [days=2]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adaFleet } from '../../tests/harness/fleet';
import { writeFleetOpenMetrics } from '../../tests/harness/openmetrics';
import { createBlocks } from '../../tests/harness/blocks';
import { startPrometheus } from '../../tests/harness/prometheus';
import { BUSY_MODES, IDLE_MODES } from '../src/model/modes';
import { parseRangeData, unwrapEnvelope } from '../src/sources/prometheus/parse';

async function timed(url: string, q: string, start: number, end: number): Promise<string> {
  const t0 = performance.now();
  const r = await fetch(`${url}/api/v1/query_range`, { method: 'POST', body: new URLSearchParams({ query: q, start: String(start), end: String(end), step: '1800', stats: 'all' }) });
  const text = await r.text();
  const t1 = performance.now();
  const data = unwrapEnvelope(r.status, text) as { stats?: { timings?: { execTotalTime?: number } } };
  const series = parseRangeData(data);
  const t2 = performance.now();
  return `wall ${((t1 - t0) / 1000).toFixed(2)} s, exec ${data.stats?.timings?.execTotalTime?.toFixed(2)} s, ${(text.length / 1e6).toFixed(2)} MB, ${series.length} series, parse ${((t2 - t1) / 1000).toFixed(2)} s`;
}

async function main(): Promise<void> {
  const hosts = Number(process.argv[2] ?? 500);
  const days = Number(process.argv[3] ?? 2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-prof-'));
  const end = Math.floor(Date.now() / 1000 / 86400) * 86400 - 86400;
  const start = end - days * 86400;
  const spec = adaFleet({ hosts, cpus: 4, startSeconds: start - 600, endSeconds: end + 600, stepSeconds: 300, events: false });
  await writeFleetOpenMetrics(spec, path.join(dir, 'fleet.om'));
  await createBlocks(path.join(dir, 'fleet.om'), path.join(dir, 'blocks'), { maxBlockDuration: '24h' });
  const prom = await startPrometheus({ blocksDir: path.join(dir, 'blocks') });
  const G = 'job, instance, cloud_project_name, machine_name, host';
  const busy = BUSY_MODES.join('|');
  const idle = IDLE_MODES.join('|');
  const qs: Record<string, string> = {
    floor: `sum(increase(node_cpu_seconds_total[${end - start}s]))`,
    byMode: `sum by (${G}, mode) (node_cpu_seconds_total)`,
    busy: `sum by (${G}) (node_cpu_seconds_total{mode=~"${busy}"})`,
    idle: `sum by (${G}) (node_cpu_seconds_total{mode=~"${idle}"})`,
    other: `sum by (${G}) (node_cpu_seconds_total{mode!~"${busy}|${idle}"})`,
    cpus: `count by (${G}) (node_cpu_seconds_total{mode="idle"})`,
    boot: `max by (${G}) (node_boot_time_seconds)`,
    mem: `sum by (${G}) (avg_over_time(node_memory_Active_bytes[30m]))`,
  };
  for (let round = 0; round < 2; round++) {
    for (const [name, q] of Object.entries(qs)) console.log(round, name, await timed(prom.url, q, name === 'floor' ? end : start, end)); // floor: one point
  }
  await prom.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
