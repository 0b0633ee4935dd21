/**
 * Usage-history benchmark: a synthetic fleet (default 500 hosts x 4 CPUs x 8 modes over 2 days at 5-minute
 * samples) in a real Prometheus; three methods side by side, each in its own process (so peak RSS is its own):
 *   backfill - this project's backfill (range queries, step 30 min, many hours per request, stored in SQLite)
 *   hourly   - the original: per project and hour, raw increase(node_cpu_seconds_total{project}[1h]), summed client-side
 *   floor    - one aggregated query reading the same samples once: every CPU mode (busy, idle and the sum-check's
 *              other), active memory and boot time, as the backfill does
 *   floor (busy+idle only) - the same without the samples only the backfill needs (other modes, memory, boot)
 *   backfill (recording rules) - the backfill against the same Prometheus plus the node-cpu recording rules' series
 *              (provisioning/prometheus/rules/ada-carbon-node-cpu.yml, generated with promtool create-blocks-from rules)
 * Each method runs `repeats` times, interleaved (backfill, hourly, floor, backfill, ...), and the table shows the
 * median of each (the machine is shared and a run varies by +-15%), with the range.
 *   npx tsx exporter/bench/history.ts [hosts=500] [days=2] [sampleSeconds=60] [repeats=3]
 * 60-s samples by default: closer to production's 15-s scrapes, where decoding samples dominates both the floor and
 * the backfill (about 8 min to generate, ~5 GB of temporary OpenMetrics); 300 generates in under 2 min, and there the
 * backfill's per-step costs weigh more against the floor.
 *   BENCH_COMPARE_WITH=/other/checkout/exporter/bench/history.ts ... also runs that checkout's backfill (before/after)
 */
import fs from 'node:fs';
import path from 'node:path';
import { startPrometheus } from '../../tests/harness/prometheus';
import { startCarbonServer } from '../../tests/harness/carbonServer';
import { child, type Result } from './historyMethods';
import { benchFleetBlocks, runChild } from './historySupport';
import { printReport } from './historyReport';
import { createRuleBlocks, mergeBlockDirs, RULE_INTERVAL_SECONDS } from '../test/history/recordingRules';

/** Prometheus metric value from /metrics (first sample of the name). */
async function promMetric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').pop()) : NaN;
}

/**
 * Prometheus compacts loaded blocks in the background about a minute after start (promtool writes the rule series as
 * dozens of small blocks overlapping the fleet's), which would run during, and slow, the measurements. Waits until a
 * compaction ran (or 90 s passed without one) and the block count held for 6 s; at most 5 min.
 */
async function waitForCompaction(url: string): Promise<string> {
  const t0 = performance.now();
  const before = await promMetric(url, 'prometheus_tsdb_blocks_loaded');
  let last = before;
  let stable = 0;
  while (performance.now() - t0 < 300_000) {
    await new Promise((r) => setTimeout(r, 2000));
    const n = await promMetric(url, 'prometheus_tsdb_blocks_loaded');
    const compactions = await promMetric(url, 'prometheus_tsdb_compactions_total');
    stable = n === last ? stable + 1 : 0;
    last = n;
    if (stable >= 3 && (compactions > 0 || performance.now() - t0 > 90_000)) break;
  }
  return `Prometheus compacted ${before} -> ${last} blocks in ${((performance.now() - t0) / 1000).toFixed(0)} s before measuring`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--method') {
    const args: Record<string, string> = {};
    for (let i = 2; i < argv.length; i += 2) args[argv[i]!.replace(/^--/, '')] = argv[i + 1]!;
    process.stdout.write(`${JSON.stringify(await child(argv[1]!, args))}\n`);
    return;
  }
  const hosts = Number(argv[0] ?? 500);
  const days = Number(argv[1] ?? 2);
  const sampleSeconds = Number(argv[2] ?? 60);
  const repeats = Math.max(1, Number(argv[3] ?? 3));
  const {
    dir,
    blocksDir,
    start,
    end,
    written: w,
    genSeconds,
    projects,
  } = await benchFleetBlocks(hosts, days, sampleSeconds, 'ada-bench-history-');
  const prom = await startPrometheus({ blocksDir: blocksDir });
  const carbon = await startCarbonServer();
  const fleetCompaction = await waitForCompaction(prom.url);
  try {
    const args = {
      prom: prom.url,
      carbon: carbon.url,
      from: String(start),
      to: String(end),
      projects: projects.join(','),
      dir,
    };
    // warm the TSDB page cache once so the first method measured is not penalised
    await runChild('floor', args, __filename);
    const runs = new Map<string, Result[]>();
    const record = (r: Result, method = r.method): void =>
      void runs.set(method, [...(runs.get(method) ?? []), { ...r, method }]);
    for (let i = 0; i < repeats; i++) {
      for (const m of ['backfill', 'hourly', 'floor']) record(await runChild(m, args, __filename));
      record(await runChild('floor-busy-idle', args, __filename), 'floor (busy+idle only)');
    }
    // the recorded series, as a Prometheus running the rules all along would hold them (generation not in any wall
    // time), at the rules file's group interval
    const r0 = performance.now();
    await createRuleBlocks(prom.url, start, end + 1800, path.join(dir, 'rule-blocks'), RULE_INTERVAL_SECONDS);
    const ruleSeconds = (performance.now() - r0) / 1000;
    const withRules = await startPrometheus({
      blocksDir: mergeBlockDirs(path.join(dir, 'all-blocks'), path.join(dir, 'blocks'), path.join(dir, 'rule-blocks')),
    });
    const compaction = await waitForCompaction(withRules.url);
    try {
      const rargs = { ...args, prom: withRules.url, recorded: '1' };
      await runChild('floor', rargs, __filename);
      for (let i = 0; i < repeats; i++) {
        record(await runChild('backfill', rargs, __filename), 'backfill (recording rules)');
        record(await runChild('floor', rargs, __filename), 'floor (recording rules Prometheus)');
      }
    } finally {
      await withRules.stop();
    }
    // BENCH_COMPARE_WITH=<another checkout's exporter/bench/history.ts>: its backfill too, same fleet and conditions
    const other = process.env.BENCH_COMPARE_WITH;
    if (other)
      for (let i = 0; i < repeats; i++)
        record(await runChild('backfill', args, path.resolve(other)), 'backfill (compared)');
    printReport(runs, {
      fleet: `fleet: ${hosts} hosts x 4 CPUs x 8 modes, ${days} days at ${sampleSeconds}-s samples (${(w.samples / 1e6).toFixed(1)} M samples, ${w.series} series), ${projects.length} projects; generated in ${genSeconds.toFixed(1)} s; ${fleetCompaction}; ${repeats} runs of each method, medians`,
      ruleSeconds,
      compaction,
    });
  } finally {
    await Promise.all([prom.stop(), carbon.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
