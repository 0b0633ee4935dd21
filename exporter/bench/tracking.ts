/**
 * Tracking benchmark: synthetic fleets of hosts x 4 CPUs x 8 modes in a real Prometheus, the built exporter as its
 * own process tracking them live. Prints one table measured in this run.
 *   npx tsx exporter/bench/tracking.ts [hosts ...]      (default 200, 1000, 2000)
 *   ADA_BENCH_LARGE=1 npm run bench -w exporter         (2,000, 5,000 and 10,000 hosts: generation takes minutes)
 * ADA_BENCH_CLI=before=<path>,after=<path> benches several builds of cli.js one after the other on each generated
 * fleet (e.g. a copy of an older dist against the current one), a row each.
 * ADA_BENCH_NODE_ARGS passes node flags to each serve, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see what holds
 * the event loop.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { adaFleet } from '../../tests/harness/fleet';
import { writeFleetOpenMetrics } from '../../tests/harness/openmetrics';
import { createBlocks } from '../../tests/harness/blocks';
import { startPrometheus } from '../../tests/harness/prometheus';
import { startCarbonServer } from '../../tests/harness/carbonServer';
import { freePort } from '../../tests/harness/ports';
import { trackingQueries } from '../src/tracking/queries';

const DIST_CLI = path.resolve(__dirname, '../dist/cli.js');

/** The builds to bench: ADA_BENCH_CLI's `label=path` entries, else this checkout's dist. */
function builds(): Array<{ label: string; cli: string }> {
  const spec = process.env.ADA_BENCH_CLI;
  if (!spec) return [{ label: 'dist', cli: DIST_CLI }];
  return spec.split(',').map((entry) => {
    const [label, file] = entry.includes('=') ? entry.split('=', 2) : [entry, entry];
    const cli = path.resolve(file!);
    if (!fs.existsSync(cli)) throw new Error(`ADA_BENCH_CLI: ${cli} missing`);
    return { label: label!, cli };
  });
}
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? NaN;
const median = (xs: number[]) => quantile(xs, 0.5);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const INTERVAL_SECONDS = 15;
const CYCLES = 5;
const HEALTH_PROBE_MS = 50;
/** fleet data ahead of now: enough for every build's run on one fleet */
const AHEAD_SECONDS = 900;

/** The value of an unlabelled series, found without splitting a body of many megabytes into lines. */
function valueIn(text: string, name: string): number {
  const at = text.indexOf(`\n${name} `);
  if (at < 0) return NaN;
  const end = text.indexOf('\n', at + 1);
  return Number(text.slice(at + name.length + 2, end < 0 ? undefined : end));
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

/** Bytes of the gzipped /metrics body as served (fetch would decompress it). */
function gzippedBytes(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(`${url}/metrics`, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => resolve(res.headers['content-encoding'] === 'gzip' ? n : NaN));
      })
      .on('error', reject);
  });
}

/**
 * Polls /healthz every HEALTH_PROBE_MS from a worker thread, so that the bench's own parsing of /metrics bodies
 * never delays a probe; probes overlap when the exporter stalls, as requests arriving at random instants would.
 */
function startHealthProbe(url: string) {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const probes = [];
    const timer = setInterval(() => {
      const t0 = performance.now(), at = Date.now();
      fetch(workerData + '/healthz').then((r) => r.text()).then(
        () => probes.push([at, performance.now() - t0]),
        () => undefined
      );
    }, ${HEALTH_PROBE_MS});
    parentPort.on('message', () => { clearInterval(timer); parentPort.postMessage(probes); });
  `;
  const worker = new Worker(code, { eval: true, workerData: url });
  let stopped: Promise<Array<[atMs: number, ms: number]>> | undefined;
  const stop = async (): Promise<Array<[atMs: number, ms: number]>> => {
    const done = new Promise<Array<[number, number]>>((r) => worker.once('message', r));
    worker.postMessage('stop');
    const probes = await done;
    await worker.terminate();
    return probes;
  };
  // once: a terminated worker would never answer a second stop
  return { stop: () => (stopped ??= stop()) };
}

async function benchFleet(hosts: number, runs: Array<{ label: string; cli: string }>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ada-bench-${hosts}-`));
  const now = Math.floor(Date.now() / 1000);
  const spec = adaFleet({
    hosts,
    cpus: 4,
    startSeconds: now - 600,
    endSeconds: now + AHEAD_SECONDS * runs.length,
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
  try {
    const rows = [];
    for (const run of runs) rows.push({ ...(await benchBuild(run.cli, dir, prom.url, carbon.url)), label: run.label });
    return rows.map((r) => ({ ...r, hosts, genSeconds }));
  } finally {
    await Promise.all([prom.stop(), carbon.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function benchBuild(cli: string, fleetDir: string, promUrl: string, carbonUrl: string) {
  const dir = fs.mkdtempSync(path.join(fleetDir, 'exporter-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const nodeArgs = (process.env.ADA_BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, cli, 'serve'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH,
      ADA_CARBON_PROMETHEUS_URL: promUrl,
      ADA_CARBON_CARBON_INTENSITY_URL: carbonUrl,
      ADA_CARBON_SERVER_PORT: String(port),
      ADA_CARBON_TRACKING_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
      ADA_CARBON_LOG_LEVEL: 'warn',
      ADA_CARBON_STORE_SQLITE_PATH: path.join(dir, 'store.sqlite'),
      // tracking alone: the history loop's catch-up would share the process (see bench/history.ts for it)
      ADA_CARBON_HISTORY_ENABLED: 'false',
    },
  });
  let probe: ReturnType<typeof startHealthProbe> | undefined;
  try {
    // Poll /metrics once a second (each poll is also a timed scrape, landing anywhere in the cycle like a real one).
    // Each cycle's duration is its increment of the histogram sum; right after a cycle ends, the same five queries are
    // timed raw, so both see the same data and similar load. The first cycle (charging every workspace since boot) is
    // reported apart from the steady state, and the latencies, lags and RSS are those of the steady cycles.
    const cycles: number[] = [];
    const raw: number[] = [];
    const scrape: number[] = [];
    const lagMax: number[] = [];
    const rss: number[] = [];
    /** [start, end] in ms since the epoch of each steady cycle, within the poll's one-second resolution */
    const windows: Array<[number, number]> = [];
    let bytes = 0;
    let last = { count: 0, sum: 0 };
    let lastPollMs = Date.now();
    const deadline = Date.now() + 600_000;
    while (cycles.length < CYCLES + 1 && Date.now() < deadline) {
      const s0 = performance.now();
      const text = await (await fetch(`${url}/metrics`).catch(() => undefined))?.text();
      if (text) {
        const steady = cycles.length > 0;
        if (steady) {
          scrape.push(performance.now() - s0);
          lagMax.push(valueIn(text, 'nodejs_eventloop_lag_max_seconds'));
          rss.push(rssMb(child.pid!, 'VmRSS'));
        }
        bytes = Buffer.byteLength(text);
        const count = valueIn(text, 'ada_carbon_tracking_cycle_duration_seconds_count');
        const sum = valueIn(text, 'ada_carbon_tracking_cycle_duration_seconds_sum');
        if (count > last.count) {
          const seconds = sum - last.sum;
          if (count === last.count + 1) cycles.push(seconds);
          if (steady) windows.push([lastPollMs - seconds * 1000, Date.now()]);
          last = { count, sum };
          if (cycles.length === 1) probe = startHealthProbe(url);
          raw.push(await rawQueries(promUrl, Date.now() / 1000));
        }
        lastPollMs = Date.now();
      }
      await sleep(1000);
    }
    const probes = (await probe?.stop()) ?? [];
    const during = probes.filter(([at]) => windows.some(([a, b]) => at >= a && at <= b)).map(([, ms]) => ms);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const workspaces = (JSON.parse(await (await fetch(`${url}/api/v1/workspaces`)).text()) as { count: number }).count;
    const steady = median(cycles.slice(1));
    return {
      workspaces,
      queries: valueIn(metrics, 'ada_carbon_tracking_cycle_queries'),
      first: cycles[0] ?? NaN,
      cycle: steady,
      raw: median(raw.slice(1)),
      ratio: steady / median(raw.slice(1)),
      rss: median(rss),
      peak: rssMb(child.pid!, 'VmHWM'),
      scrapeP50: median(scrape),
      scrapeP99: quantile(scrape, 0.99),
      healthP50: median(during),
      healthP99: quantile(during, 0.99),
      healthProbes: during.length,
      lagMaxMs: Math.max(...lagMax.filter(Number.isFinite)) * 1000,
      bytes,
      gzBytes: await gzippedBytes(url),
    };
  } finally {
    await probe?.stop().catch(() => undefined);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

function sizesToRun(): number[] {
  const args = process.argv.slice(2);
  const sizes = args.map(Number);
  const bad = args.filter((_, i) => !(Number.isInteger(sizes[i]) && sizes[i]! > 0));
  if (bad.length) throw new Error(`host counts must be positive integers, got ${bad.join(' ')}`);
  if (sizes.length) return sizes;
  return process.env.ADA_BENCH_LARGE ? [2000, 5000, 10000] : [200, 1000, 2000];
}

async function main() {
  if (!process.env.ADA_BENCH_CLI && !fs.existsSync(DIST_CLI))
    throw new Error(`${DIST_CLI} missing: run npm run build -w exporter first`);
  const runs = builds();
  const rows = [];
  for (const n of sizesToRun()) {
    process.stderr.write(`bench: ${n} hosts...\n`);
    const r = await benchFleet(n, runs);
    process.stderr.write(`bench: ${n} hosts done (fleet generated in ${r[0]!.genSeconds.toFixed(0)} s)\n`);
    rows.push(...r);
  }
  const head =
    '| build | hosts x 4 CPUs | workspaces | queries/cycle | first cycle (s) | cycle, median (s) | raw, median (s) | ratio | RSS median (MB) | RSS peak (MB) | /metrics p50 (ms) | /metrics p99 (ms) | /healthz p50 (ms) | /healthz p99 (ms) | event-loop max lag (ms) | exposition (KB) | gzipped (KB) |';
  console.log(head);
  console.log(head.replace(/[^|]/g, '-'));
  for (const r of rows) {
    const cells = [
      r.label,
      r.hosts,
      r.workspaces,
      r.queries,
      r.first.toFixed(3),
      r.cycle.toFixed(3),
      r.raw.toFixed(3),
      r.ratio.toFixed(2),
      r.rss.toFixed(0),
      r.peak.toFixed(0),
      r.scrapeP50.toFixed(1),
      r.scrapeP99.toFixed(1),
      r.healthP50.toFixed(1),
      `${r.healthP99.toFixed(1)} (${r.healthProbes} probes)`,
      r.lagMaxMs.toFixed(0),
      (r.bytes / 1024).toFixed(0),
      (r.gzBytes / 1024).toFixed(0),
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
  console.log(
    `Tracking interval ${INTERVAL_SECONDS} s; ${CYCLES} steady cycles per fleet after the first. /metrics polled once a second;` +
      ` /healthz every ${HEALTH_PROBE_MS} ms from a worker thread, counted while a steady cycle ran; the lag is the largest` +
      ' nodejs_eventloop_lag_max_seconds scraped (the maximum since the previous scrape).'
  );
  console.log(
    'Goals at 10,000 workspaces: ratio <= 1.2; /metrics p99 <= 1 s; /healthz p99 <= 100 ms; event-loop lag <= 50 ms; RSS <= 500 MB.'
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
