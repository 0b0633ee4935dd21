/**
 * Backfill grid: for each fleet (hosts x days x sample interval) in a real Prometheus, the backfill against the floor
 * (one aggregated query reading the same samples once), each in its own process, median of `repeats`; then a year
 * of 2,000 hosts projected from the measured throughput. One table, measured in this run.
 *   npx tsx exporter/bench/backfillGrid.ts [hosts,..] [days,..] [sampleSeconds,..] [repeats=3]
 *   e.g. npx tsx exporter/bench/backfillGrid.ts 250,2000 1,7 60,300
 * Default: 250 and 500 hosts x 1 and 2 days at 300-s samples (minutes to generate). The grid (250-2,000 hosts
 * x 1-7 days at 60 and 300 s) takes about an hour of generation and tens of GB of temporary OpenMetrics: on request.
 */
import fs from 'node:fs';
import { startPrometheus } from '../../tests/harness/prometheus';
import { startCarbonServer } from '../../tests/harness/carbonServer';
import { child, type Result } from './historyMethods';
import { benchFleetBlocks, runChild } from './historySupport';

const list = (arg: string | undefined, dflt: number[]): number[] =>
  arg
    ? arg
        .split(',')
        .map(Number)
        .filter((n) => n > 0)
    : dflt;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const YEAR_SECONDS = 365 * 86400;

interface Cell {
  hosts: number;
  days: number;
  sampleSeconds: number;
  samples: number;
  genSeconds: number;
  backfill: number;
  floor: number;
  peakRssMb: number;
  floorRssMb: number;
  totalsDelta: number;
}

async function measure(hosts: number, days: number, sampleSeconds: number, repeats: number): Promise<Cell> {
  const {
    dir,
    blocksDir,
    start,
    end,
    written: w,
    genSeconds,
    projects,
  } = await benchFleetBlocks(hosts, days, sampleSeconds, 'ada-bench-grid-');
  const [prom, carbon] = await Promise.all([startPrometheus({ blocksDir: blocksDir }), startCarbonServer()]);
  try {
    // BENCH_HOURS_PER_QUERY: force the chunk length (history.hoursPerQuery), to compare against the default sizing
    // BENCH_TARGET_HOURS: the memory budget (history.targetHoursInFlight); a huge one gives the fixed-length chunks
    const forced = process.env.BENCH_HOURS_PER_QUERY;
    const budget = process.env.BENCH_TARGET_HOURS;
    const args = {
      ...(forced && { hoursPerQuery: forced }),
      ...(budget && { targetHoursInFlight: budget }),
      prom: prom.url,
      carbon: carbon.url,
      from: String(start),
      to: String(end),
      projects: projects.join(','),
      dir,
    };
    await runChild('floor', args, __filename); // warms the page cache for both
    const runs: Record<'backfill' | 'floor', Result[]> = { backfill: [], floor: [] };
    for (let i = 0; i < repeats; i++) {
      runs.backfill.push(await runChild('backfill', args, __filename));
      runs.floor.push(await runChild('floor', args, __filename));
    }
    const b = runs.backfill;
    const f = runs.floor;
    const busy = (r: Result[]) => r[0]!.busyCpuSeconds + r[0]!.idleCpuSeconds;
    return {
      hosts,
      days,
      sampleSeconds,
      samples: w.samples,
      genSeconds,
      backfill: median(b.map((r) => r.wallSeconds)),
      floor: median(f.map((r) => r.wallSeconds)),
      peakRssMb: Math.max(...b.map((r) => r.peakRssMb)),
      floorRssMb: Math.max(...f.map((r) => r.peakRssMb)),
      totalsDelta: busy(b) / busy(f) - 1,
    };
  } finally {
    await Promise.all([prom.stop(), carbon.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A year of `hosts` at `sampleSeconds`, from the cells at that interval: wall = fixed + samples / throughput, fitted
 * by least squares (one cell: its throughput alone).
 */
function projectYear(cells: readonly Cell[], hosts: number, sampleSeconds: number): string {
  const at = cells.filter((c) => c.sampleSeconds === sampleSeconds);
  if (at.length === 0) return `no cell at ${sampleSeconds}-s samples`;
  // samples per host and second of history, as the fleet writer produced them
  const perHostSecond = median(at.map((c) => c.samples / (c.hosts * c.days * 86400)));
  const yearSamples = perHostSecond * hosts * YEAR_SECONDS;
  const xs = at.map((c) => c.samples);
  const ys = at.map((c) => c.backfill);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const vx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const slope = vx > 0 ? xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / vx : 0;
  const [fixed, perSample, how] =
    slope > 0
      ? [my - slope * mx, slope, `fit over ${at.length} cells`]
      : [0, Math.max(...ys.map((y, i) => y / xs[i]!)), 'slowest cell'];
  const minutes = (fixed + yearSamples * perSample) / 60;
  return `${hosts} hosts x 365 days at ${sampleSeconds}-s samples: ${(yearSamples / 1e9).toFixed(2)} G samples at ${(1 / perSample / 1e6).toFixed(2)} M samples/s (${how}) = ${minutes.toFixed(0)} min (projected from the grid, not measured; goal <= 30 min)`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--method') {
    const args: Record<string, string> = {};
    for (let i = 2; i < argv.length; i += 2) args[argv[i]!.replace(/^--/, '')] = argv[i + 1]!;
    process.stdout.write(`${JSON.stringify(await child(argv[1]!, args))}\n`);
    return;
  }
  const hosts = list(argv[0], [250, 500]);
  const days = list(argv[1], [1, 2]);
  const samples = list(argv[2], [300]);
  const repeats = Math.max(1, Number(argv[3] ?? 3));
  const cells: Cell[] = [];
  for (const s of samples)
    for (const h of hosts)
      for (const d of days) {
        process.stderr.write(`backfill grid: ${h} hosts x ${d} days at ${s}-s samples...\n`);
        cells.push(await measure(h, d, s, repeats));
      }
  console.log(`Backfill grid: ${repeats} runs of each method per cell, medians; each run in its own process.`);
  console.log(
    '| hosts | days | sample s | M samples | generated s | backfill wall s | floor wall s | backfill / floor | backfill peak RSS MB | floor peak RSS MB | totals vs floor |'
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of cells)
    console.log(
      `| ${c.hosts} | ${c.days} | ${c.sampleSeconds} | ${(c.samples / 1e6).toFixed(1)} | ${c.genSeconds.toFixed(0)} | ${c.backfill.toFixed(2)} | ${c.floor.toFixed(2)} | ${(c.backfill / c.floor).toFixed(2)} | ${c.peakRssMb.toFixed(0)} | ${c.floorRssMb.toFixed(0)} | ${(c.totalsDelta * 100).toFixed(3)}% |`
    );
  const worstRatio = Math.max(...cells.map((c) => c.backfill / c.floor));
  const worstRss = Math.max(...cells.map((c) => c.peakRssMb));
  console.log(
    `worst backfill / floor: ${worstRatio.toFixed(2)} (goal <= 1.5); worst peak RSS: ${worstRss.toFixed(0)} MB (goal <= 300)`
  );
  for (const s of samples) console.log(`projection: ${projectYear(cells, 2000, s)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
