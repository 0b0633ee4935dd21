/**
 * Backfill grid: for each fleet (hosts x days x sample interval) in a real Prometheus, the backfill against the floor
 * (one aggregated query reading the same samples once), each in its own process, median of `repeats`; then a year
 * of 2,000 hosts projected from the measured throughput. One table, measured in this run.
 *   npx tsx exporter/bench/backfillGrid.ts [hosts,..] [days,..] [sampleSeconds,..] [repeats=3]
 *   e.g. npx tsx exporter/bench/backfillGrid.ts 250,2000 1,7 60,300
 * Default: 250 and 500 hosts x 1 and 2 days at 300-s samples (minutes to generate). One fleet per hosts and interval,
 * of the longest days asked; the shorter days are its last days. Generating dominates (promtool reads ~200 bytes of
 * OpenMetrics per sample: ~4 min per 2,000 host-days at 300 s, 5x that at 60 s, on a loaded 2-core machine), so
 * BENCH_FLEET_CACHE=<dir> keeps the fleets (per UTC day) and a re-run the same day only measures.
 */
import fs from 'node:fs';
import { startPrometheus } from '../../tests/harness/prometheus';
import { startCarbonServer } from '../../tests/harness/carbonServer';
import { child, type Result } from './historyMethods';
import { cachedFleetBlocks, runChild } from './historySupport';

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
  /** CPU seconds of the backfill's own process, and of Prometheus while each method ran (medians) */
  backfillCpu: number;
  backfillPromCpu: number;
  floorPromCpu: number;
  totalsDelta: number;
}

/** Every days cell of one fleet (hosts at sampleSeconds over the longest days), against one Prometheus. */
async function measureFleet(
  hosts: number,
  dayList: readonly number[],
  sampleSeconds: number,
  repeats: number
): Promise<Cell[]> {
  const cache = process.env.BENCH_FLEET_CACHE;
  const longest = Math.max(...dayList);
  const fleet = await cachedFleetBlocks(hosts, longest, sampleSeconds, cache);
  const [prom, carbon] = await Promise.all([startPrometheus({ blocksDir: fleet.blocksDir }), startCarbonServer()]);
  const cells: Cell[] = [];
  try {
    for (const days of dayList) {
      const start = fleet.end - days * 86400;
      // the fleet's samples in these days: the writer's are spread evenly over its range
      const samples = (fleet.written.samples * days) / longest;
      cells.push(
        await measure(prom.url, carbon.url, { ...fleet, start }, { hosts, days, sampleSeconds, samples }, repeats)
      );
    }
  } finally {
    await Promise.all([prom.stop(), carbon.stop()]);
    if (!cache) fs.rmSync(fleet.dir, { recursive: true, force: true });
  }
  return cells.map((c) => ({ ...c, genSeconds: fleet.cached ? 0 : fleet.genSeconds }));
}

async function measure(
  promUrl: string,
  carbonUrl: string,
  fleet: { dir: string; start: number; end: number; projects: string[] },
  cell: Pick<Cell, 'hosts' | 'days' | 'sampleSeconds' | 'samples'>,
  repeats: number
): Promise<Cell> {
  const { dir, start, end, projects } = fleet;
  // BENCH_HOURS_PER_QUERY: force the chunk length (history.hoursPerQuery), to compare against the default sizing
  // BENCH_TARGET_HOURS: the memory budget (history.targetHoursInFlight); a huge one gives the fixed-length chunks
  const forced = process.env.BENCH_HOURS_PER_QUERY;
  const budget = process.env.BENCH_TARGET_HOURS;
  const args = {
    ...(forced && { hoursPerQuery: forced }),
    ...(budget && { targetHoursInFlight: budget }),
    prom: promUrl,
    carbon: carbonUrl,
    from: String(start),
    to: String(end),
    projects: projects.join(','),
    dir,
    stats: '0',
  };
  await runChild('floor', args, __filename); // warms the page cache for both
  const runs: Record<'backfill' | 'floor', Result[]> = { backfill: [], floor: [] };
  const promCpu: Record<'backfill' | 'floor', number[]> = { backfill: [], floor: [] };
  const timed = async (method: 'backfill' | 'floor'): Promise<void> => {
    const before = await prometheusCpuSeconds(promUrl);
    runs[method].push(await runChild(method, args, __filename));
    promCpu[method].push((await prometheusCpuSeconds(promUrl)) - before);
  };
  for (let i = 0; i < repeats; i++) {
    await timed('backfill');
    await timed('floor');
  }
  const b = runs.backfill;
  const f = runs.floor;
  const busy = (r: Result[]) => r[0]!.busyCpuSeconds + r[0]!.idleCpuSeconds;
  return {
    ...cell,
    genSeconds: 0,
    backfill: median(b.map((r) => r.wallSeconds)),
    floor: median(f.map((r) => r.wallSeconds)),
    peakRssMb: Math.max(...b.map((r) => r.peakRssMb)),
    floorRssMb: Math.max(...f.map((r) => r.peakRssMb)),
    backfillCpu: median(b.map((r) => r.cpuSeconds)),
    backfillPromCpu: median(promCpu.backfill),
    floorPromCpu: median(promCpu.floor),
    totalsDelta: busy(b) / busy(f) - 1,
  };
}

/** Prometheus' own CPU time so far (its process_cpu_seconds_total), to tell its work from the exporter's. */
async function prometheusCpuSeconds(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = /^process_cpu_seconds_total ([0-9.e+]+)$/m.exec(text);
  if (!m) throw new Error(`${url}/metrics has no process_cpu_seconds_total`);
  return Number(m[1]);
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
  const t0 = performance.now();
  const cells: Cell[] = [];
  for (const s of samples)
    for (const h of hosts) {
      process.stderr.write(`backfill grid: ${h} hosts x ${days.join(', ')} days at ${s}-s samples...\n`);
      cells.push(...(await measureFleet(h, days, s, repeats)));
    }
  const minutes = (performance.now() - t0) / 60000;
  console.log(`Backfill grid: ${repeats} runs of each method per cell, medians; each run in its own process.`);
  console.log(
    '| hosts | days | sample s | backfill wall s | floor wall s | backfill / floor | backfill peak RSS MB | M samples | floor peak RSS MB | totals vs floor | backfill CPU s | Prometheus CPU s, backfill | Prometheus CPU s, floor | fleet generated s |'
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of cells)
    console.log(
      `| ${c.hosts} | ${c.days} | ${c.sampleSeconds} | ${c.backfill.toFixed(2)} | ${c.floor.toFixed(2)} | ${(c.backfill / c.floor).toFixed(2)} | ${c.peakRssMb.toFixed(0)} | ${(c.samples / 1e6).toFixed(1)} | ${c.floorRssMb.toFixed(0)} | ${(c.totalsDelta * 100).toFixed(3)}% | ${c.backfillCpu.toFixed(2)} | ${c.backfillPromCpu.toFixed(2)} | ${c.floorPromCpu.toFixed(2)} | ${c.genSeconds.toFixed(0)} |`
    );
  console.log(`grid: ${minutes.toFixed(1)} min in all (fleet generation included; 0 s generated = from the cache)`);
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
