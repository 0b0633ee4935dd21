import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adaFleet } from '../../tests/harness/fleet';
import { writeFleetOpenMetrics } from '../../tests/harness/openmetrics';
import { createBlocks } from '../../tests/harness/blocks';
import { HOUR_SECONDS } from '../src/history/types';
export { historyQueries } from '../src/history/queries';
import type { Result } from './historyMethods';

/** The chunks the backfill uses for a contiguous range (for re-issuing its queries with stats). */
export function chunkHoursForBench(from: number, to: number, hoursPerQuery: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let a = from; a < to; a += hoursPerQuery * HOUR_SECONDS)
    out.push([a, Math.min(to, a + hoursPerQuery * HOUR_SECONDS)]);
  return out;
}

/** Runs one method of historyMethods.ts in a child process of `file` (so its peak RSS is its own). */
export function runChild(method: string, args: Record<string, string>, file: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const argv = [
      ...process.execArgv,
      file,
      '--method',
      method,
      ...Object.entries(args).flatMap(([k, v]) => [`--${k}`, v]),
    ];
    const p = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!) as Result)
        : reject(new Error(`${method} exited ${code}`))
    );
  });
}

/** A fleet of whole past days written as OpenMetrics and turned into 24-hour TSDB blocks in a fresh temp dir. */
export async function benchFleetBlocks(hosts: number, days: number, sampleSeconds: number, prefix: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const end = Math.floor(Date.now() / 1000 / 86400) * 86400 - 86400; // whole past days
  const start = end - days * 86400;
  const spec = adaFleet({
    hosts,
    cpus: 4,
    startSeconds: start - 600,
    endSeconds: end + 600,
    stepSeconds: sampleSeconds,
    events: false,
  });
  const g0 = performance.now();
  const written = await writeFleetOpenMetrics(spec, path.join(dir, 'fleet.om'));
  await createBlocks(path.join(dir, 'fleet.om'), path.join(dir, 'blocks'), { maxBlockDuration: '24h' });
  fs.rmSync(path.join(dir, 'fleet.om'));
  const genSeconds = (performance.now() - g0) / 1000;
  const projects = [...new Set(spec.hosts.map((h) => h.labels.cloud_project_name!))];
  return { dir, blocksDir: path.join(dir, 'blocks'), start, end, written, genSeconds, projects };
}

/**
 * benchFleetBlocks kept in `cacheDir` (one directory per fleet and day, with what it wrote), so a grid re-run the
 * same day skips the generation; a fresh temp dir, removed by the caller, without one.
 */
export async function cachedFleetBlocks(hosts: number, days: number, sampleSeconds: number, cacheDir?: string) {
  if (!cacheDir) return { ...(await benchFleetBlocks(hosts, days, sampleSeconds, 'ada-bench-grid-')), cached: false };
  const end = Math.floor(Date.now() / 1000 / 86400) * 86400 - 86400;
  const dir = path.join(cacheDir, `${hosts}h-${days}d-${sampleSeconds}s-${end}`);
  const metaFile = path.join(dir, 'fleet.json');
  if (fs.existsSync(metaFile)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as Awaited<ReturnType<typeof benchFleetBlocks>>;
    return { ...meta, cached: true };
  }
  const made = await benchFleetBlocks(hosts, days, sampleSeconds, 'ada-bench-grid-');
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(made.dir, dir);
  const meta = { ...made, dir, blocksDir: path.join(dir, 'blocks') };
  fs.writeFileSync(metaFile, JSON.stringify(meta));
  return { ...meta, cached: false };
}
