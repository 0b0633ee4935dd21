import { execFile } from 'child_process';
import * as fs from 'fs';
import { requireBinary } from './binaries';

export interface CreateBlocksOptions {
  /**
   * promtool's hidden `--max-block-duration` (e.g. "24h"). promtool re-reads the whole file once per block window
   * (2 h by default), so long histories build faster with larger blocks.
   */
  maxBlockDuration?: string;
}

/** Turns an OpenMetrics file into TSDB blocks in `outDir` with `promtool tsdb create-blocks-from openmetrics`. */
export async function createBlocks(
  openMetricsFile: string,
  outDir: string,
  opts: CreateBlocksOptions = {}
): Promise<void> {
  const promtool = requireBinary('promtool');
  fs.mkdirSync(outDir, { recursive: true });
  const args = ['tsdb', 'create-blocks-from'];
  if (opts.maxBlockDuration !== undefined) args.push(`--max-block-duration=${opts.maxBlockDuration}`);
  args.push('openmetrics', '--quiet', openMetricsFile, outDir);
  await new Promise<void>((resolve, reject) => {
    execFile(promtool, args, { maxBuffer: 16 << 20 }, (err, _stdout, stderr) => {
      if (!err) {
        resolve();
        return;
      }
      const tail = String(stderr).trim().split('\n').slice(-20).join('\n');
      reject(new Error(`promtool ${args.join(' ')} failed (exit ${err.code ?? 'unknown'}):\n${tail || err.message}`));
    });
  });
}
