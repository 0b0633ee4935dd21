// The usage-history benchmark's report: per-method medians as a Markdown table, then the ratios against the goals.
import type { Result } from './historyMethods';

export interface ReportContext {
  /** the first line: the fleet, how it was generated and how often each method ran */
  fleet: string;
  /** seconds spent generating the recording rules' blocks */
  ruleSeconds: number;
  /** how the recording rules' Prometheus compacted before measuring */
  compaction: string;
}

/** Prints the median run of each method (by wall time; peak RSS is the maximum) and the ratios between methods. */
export function printReport(runs: Map<string, Result[]>, ctx: ReportContext): void {
  const { ruleSeconds, compaction } = ctx;
  const median = (method: string): Result & { minWall: number; maxWall: number } => {
    const rs = [...runs.get(method)!].sort((x, y) => x.wallSeconds - y.wallSeconds);
    const mid = rs[Math.floor((rs.length - 1) / 2)]!;
    return {
      ...mid,
      minWall: rs[0]!.wallSeconds,
      maxWall: rs[rs.length - 1]!.wallSeconds,
      peakRssMb: Math.max(...rs.map((r) => r.peakRssMb)),
    };
  };
  const results = [...runs.keys()].map(median);
  const get = (m: string) => results.find((r) => r.method === m)!;
  const [b, h, f, rec, recFloor] = [
    get('backfill'),
    get('hourly'),
    get('floor'),
    get('backfill (recording rules)'),
    get('floor (recording rules Prometheus)'),
  ];
  console.log(ctx.fleet);
  console.log(
    '| method | requests | wall s (median) | wall s (range) | peak RSS MB | response MB | server exec s | busy cpu-s | idle cpu-s |'
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(
      `| ${r.method} | ${r.requests} | ${r.wallSeconds.toFixed(2)} | ${r.minWall.toFixed(2)}-${r.maxWall.toFixed(2)} | ${r.peakRssMb.toFixed(0)} | ${r.responseMb.toFixed(2)} | ${r.serverSeconds.toFixed(2)} | ${r.busyCpuSeconds.toFixed(0)} | ${r.idleCpuSeconds.toFixed(0)} |`
    );
  }
  const pct = (x: number, y: number) => `${((x / y - 1) * 100).toFixed(3)}%`;
  console.log(
    `recording rules: backfill / backfill (recording rules) wall = ${(b.wallSeconds / rec.wallSeconds).toFixed(2)}x, server exec = ${(b.serverSeconds / rec.serverSeconds).toFixed(2)}x; (recording rules) / floor on that Prometheus wall = ${(rec.wallSeconds / recFloor.wallSeconds).toFixed(2)}x; totals vs backfill: busy ${pct(rec.busyCpuSeconds, b.busyCpuSeconds)}, idle ${pct(rec.idleCpuSeconds, b.idleCpuSeconds)}; rule blocks generated in ${ruleSeconds.toFixed(1)} s (not in any wall time); rules Prometheus: ${compaction}`
  );
  console.log(`requests: hourly / backfill = ${(h.requests / b.requests).toFixed(1)}x (goal >= 24x)`);
  console.log(
    `wall: hourly / backfill = ${(h.wallSeconds / b.wallSeconds).toFixed(2)}x; server-side exec alone: hourly / backfill = ${(h.serverSeconds / b.serverSeconds).toFixed(2)}x (goal: wall factor >= server factor)`
  );
  console.log(
    `wall: backfill / floor = ${(b.wallSeconds / f.wallSeconds).toFixed(2)}x (goal <= 1.5x); backfill / floor (busy+idle only) = ${(b.wallSeconds / get('floor (busy+idle only)').wallSeconds).toFixed(2)}x; backfill (recording rules) / floor = ${(rec.wallSeconds / recFloor.wallSeconds).toFixed(2)}x`
  );
  const c = runs.has('backfill (compared)') ? get('backfill (compared)') : undefined;
  if (c)
    console.log(
      `wall: compared backfill / floor = ${(c.wallSeconds / f.wallSeconds).toFixed(2)}x; totals vs backfill: busy ${pct(c.busyCpuSeconds, b.busyCpuSeconds)}, idle ${pct(c.idleCpuSeconds, b.idleCpuSeconds)}`
    );
  console.log(
    `totals vs backfill: hourly busy ${pct(h.busyCpuSeconds, b.busyCpuSeconds)}, idle ${pct(h.idleCpuSeconds, b.idleCpuSeconds)}; floor busy ${pct(f.busyCpuSeconds, b.busyCpuSeconds)}, idle ${pct(f.idleCpuSeconds, b.idleCpuSeconds)} (goal within 0.5%)`
  );
}
