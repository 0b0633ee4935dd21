import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createBlocks } from './blocks';
import { fleetGrid, type FleetSpec } from './fleetModel';
import { writeFleetOpenMetrics, type CounterCache } from './openmetrics';

export interface FleetBlocksResult {
  samples: number;
  /** Series with at least one sample in some shard (a series split over shards counts once per shard). */
  seriesWritten: number;
  bytes: number;
  shards: number;
  /** Wall seconds from start to all blocks in place. */
  totalSeconds: number;
}

/** promtool's block window: each file is re-read once per 2 h window it touches. */
const BLOCK_WINDOW_MS = 2 * 3600 * 1000;

/**
 * Splits the grid into time shards: first at 2 h block boundaries (so no promtool run re-reads its file for a second
 * window), then evenly until there are `parallelism` shards. Time shards give blocks with disjoint time ranges, so
 * Prometheus never has to merge overlapping blocks.
 */
export function shardRanges(spec: FleetSpec, parallelism: number): Array<[number, number]> {
  const grid = fleetGrid(spec);
  const ranges: Array<[number, number]> = [];
  let from = 0;
  for (let k = 1; k < grid.count; k++) {
    const window = Math.floor((grid.startMs + k * grid.stepMs) / BLOCK_WINDOW_MS);
    const prev = Math.floor((grid.startMs + (k - 1) * grid.stepMs) / BLOCK_WINDOW_MS);
    if (window !== prev) {
      ranges.push([from, k]);
      from = k;
    }
  }
  ranges.push([from, grid.count]);
  while (ranges.length < parallelism) {
    let widest = 0;
    ranges.forEach(([a, b], i) => {
      if (b - a > ranges[widest]![1] - ranges[widest]![0]) widest = i;
    });
    const [a, b] = ranges[widest]!;
    if (b - a < 2) break;
    const mid = a + Math.floor((b - a) / 2);
    ranges.splice(widest, 1, [a, mid], [mid, b]);
  }
  return ranges;
}

/**
 * Writes the fleet as TSDB blocks into `outDir`, generating time shards one after another while promtool turns the
 * finished ones into blocks in parallel. Same samples as writeFleetOpenMetrics + createBlocks, faster on many cores.
 */
export async function buildFleetBlocks(
  spec: FleetSpec,
  outDir: string,
  opts: { parallelism?: number; workDir?: string } = {}
): Promise<FleetBlocksResult> {
  const t0 = performance.now();
  const parallelism = Math.max(1, opts.parallelism ?? Math.min(4, os.availableParallelism()));
  const workDir = fs.mkdtempSync(path.join(opts.workDir ?? os.tmpdir(), 'ada-carbon-harness-shards-'));
  fs.mkdirSync(outDir, { recursive: true });
  const ranges = shardRanges(spec, parallelism);
  const cache: CounterCache = new Map();
  const running = new Set<Promise<void>>();
  const result: FleetBlocksResult = { samples: 0, seriesWritten: 0, bytes: 0, shards: ranges.length, totalSeconds: 0 };
  let failure: Error | undefined;
  try {
    for (const [i, [from, to]] of ranges.entries()) {
      while (running.size >= parallelism) await Promise.race(running);
      if (failure) throw failure;
      const file = path.join(workDir, `shard-${i}.om`);
      const stats = await writeFleetOpenMetrics(spec, file, { fromGridIndex: from, toGridIndex: to, cache });
      result.samples += stats.samples;
      result.seriesWritten += stats.series;
      result.bytes += stats.bytes;
      const shardOut = path.join(workDir, `blocks-${i}`);
      const job: Promise<void> = createBlocks(file, shardOut)
        .then(() => {
          fs.rmSync(file, { force: true });
          for (const block of fs.readdirSync(shardOut))
            fs.renameSync(path.join(shardOut, block), path.join(outDir, block));
        })
        .catch((err: unknown) => {
          failure ??= err instanceof Error ? err : new Error(String(err));
        })
        .finally(() => running.delete(job));
      running.add(job);
    }
    await Promise.all(running);
    if (failure) throw failure;
  } finally {
    await Promise.allSettled(running);
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  result.totalSeconds = (performance.now() - t0) / 1000;
  return result;
}
