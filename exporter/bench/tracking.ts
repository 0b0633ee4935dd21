/**
 * Tracking benchmark: synthetic fleets of 200, 1,000 and 2,000 hosts x 4 CPUs x 8 modes in a real Prometheus,
 * the built exporter as its own process tracking them live. Prints one table of ratios measured in this run.
 *   npm run bench -w exporter   (or: npx tsx exporter/bench/tracking.ts [hosts ...])
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adaFleet } from '../../tests/harness/fleet';
import { writeFleetOpenMetrics } from '../../tests/harness/openmetrics';
import { createBlocks } from '../../tests/harness/blocks';
import { startPrometheus } from '../../tests/harness/prometheus';
import { startCarbonServer } from '../../tests/harness/carbonServer';
import { freePort } from '../../tests/harness/ports';
import { trackingQueries } from '../src/tracking/queries';

const CLI = path.resolve(__dirname, '../dist/cli.js');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const INTERVAL_SECONDS = 15;
const CYCLES = 5;

function valueIn(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

async function metricValue(url: string, name: string): Promise<number> {
  return valueIn(await (await fetch(`${url}/metrics`)).text(), name);
}

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function rawQueries(promUrl: string, at: number): Promise<number> {
  const q = trackingQueries('');
  const t0 = performance.now();
  await Promise.all(
    Object.values(q).map(async (expr) => {
      const body = new URLSearchParams({ query: expr, time: String(at) });
      const r = await fetch(`${promUrl}/api/v1/query`, { method: 'POST', body });
      await r.text();
    })
  );
  return (performance.now() - t0) / 1000;
}

async function benchFleet(hosts: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ada-bench-${hosts}-`));
  const now = Math.floor(Date.now() / 1000);
  const spec = adaFleet({
    hosts,
    cpus: 4,
    startSeconds: now - 1800,
    endSeconds: now + 900,
    stepSeconds: 15,
    events: false,
  });
  const t0 = performance.now();
  await writeFleetOpenMetrics(spec, path.join(dir, 'fleet.om'));
  await createBlocks(path.join(dir, 'fleet.om'), path.join(dir, 'blocks'));
  const genSeconds = (performance.now() - t0) / 1000;
  fs.rmSync(path.join(dir, 'fleet.om'));
  const prom = await startPrometheus({ blocksDir: path.join(dir, 'blocks') });
  const carbon = await startCarbonServer();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [CLI, 'serve'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH,
      ADA_CARBON_PROMETHEUS_URL: prom.url,
      ADA_CARBON_CARBON_INTENSITY_URL: carbon.url,
      ADA_CARBON_SERVER_PORT: String(port),
      ADA_CARBON_TRACKING_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
      ADA_CARBON_LOG_LEVEL: 'warn',
      ADA_CARBON_STORE_SQLITE_PATH: path.join(dir, 'store.sqlite'),
      // tracking alone: the history loop's catch-up would share the process (see bench/history.ts for it)
      ADA_CARBON_HISTORY_ENABLED: 'false',
    },
  });
  try {
    // Poll /metrics once a second (each poll is also a timed scrape, landing anywhere in the cycle like a real one).
    // Each cycle's duration is its increment of the histogram sum; right after a cycle ends, the same five queries are
    // timed raw, so both see the same data and similar load. The first cycle (charging every workspace since boot) is
    // reported apart from the steady state.
    const cycles: number[] = [];
    const raw: number[] = [];
    const scrape: number[] = [];
    let bytes = 0;
    let last = { count: 0, sum: 0 };
    const deadline = Date.now() + 400_000;
    while (cycles.length < CYCLES + 1 && Date.now() < deadline) {
      const s0 = performance.now();
      const text = await (await fetch(`${url}/metrics`).catch(() => undefined))?.text();
      if (text) {
        scrape.push(performance.now() - s0);
        bytes = text.length;
        const count = valueIn(text, 'ada_carbon_tracking_cycle_duration_seconds_count');
        const sum = valueIn(text, 'ada_carbon_tracking_cycle_duration_seconds_sum');
        if (count > last.count) {
          if (count === last.count + 1) cycles.push(sum - last.sum);
          last = { count, sum };
          raw.push(await rawQueries(prom.url, Date.now() / 1000));
        }
      }
      await sleep(1000);
    }
    const queries = await metricValue(url, 'ada_carbon_tracking_cycle_queries');
    const workspaces = (JSON.parse(await (await fetch(`${url}/api/v1/workspaces`)).text()) as { count: number }).count;
    const steady = median(cycles.slice(1));
    return {
      hosts,
      workspaces,
      genSeconds,
      queries,
      first: cycles[0] ?? NaN,
      cycle: steady,
      raw: median(raw.slice(1)),
      ratio: steady / median(raw.slice(1)),
      rss: rssMb(child.pid!, 'VmRSS'),
      peak: rssMb(child.pid!, 'VmHWM'),
      scrapeMs: median(scrape),
      scrapeP90: [...scrape].sort((a, b) => a - b)[Math.floor(scrape.length * 0.9)] ?? NaN,
      bytes,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await Promise.all([prom.stop(), carbon.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build -w exporter first`);
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const rows = [];
  for (const n of sizes.length ? sizes : [200, 1000, 2000]) {
    process.stderr.write(`bench: ${n} hosts...\n`);
    rows.push(await benchFleet(n));
  }
  const head =
    '| hosts x 4 CPUs | workspaces | queries/cycle | first cycle (s) | cycle wall, median (s) | same queries raw, median (s) | ratio | exporter RSS (MB) | peak RSS (MB) | /metrics median (ms) | /metrics p90 (ms) | /metrics size (KB) |';
  console.log(head);
  console.log(head.replace(/[^|]/g, '-'));
  for (const r of rows) {
    console.log(
      `| ${r.hosts} | ${r.workspaces} | ${r.queries} | ${r.first.toFixed(3)} | ${r.cycle.toFixed(3)} | ${r.raw.toFixed(3)} | ${r.ratio.toFixed(2)} | ${r.rss.toFixed(0)} | ${r.peak.toFixed(0)} | ${r.scrapeMs.toFixed(1)} | ${r.scrapeP90.toFixed(1)} | ${(r.bytes / 1024).toFixed(0)} |`
    );
  }
  console.log(`Tracking interval ${INTERVAL_SECONDS} s; ${CYCLES} steady cycles per fleet after the first.`);
  console.log(
    'Goals: queries/cycle constant; ratio <= 1.5; /metrics median <= 100 ms at 2,000 workspaces; RSS <= 200 MB.'
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
