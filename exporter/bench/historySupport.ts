import { spawn } from 'node:child_process';
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
