/**
 * The node-cpu recording rules' series for a synthetic history: `promtool tsdb create-blocks-from rules` against a
 * Prometheus serving the fleet's blocks, then the fleet and rule blocks together in one directory (Prometheus serves
 * overlapping blocks as one), as if the rules had been running all along.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { requireBinary } from '../../../tests/harness/binaries';

export const NODE_CPU_RULES = path.resolve(__dirname, '../../../provisioning/prometheus/rules/ada-carbon-node-cpu.yml');
/** The rules group's own evaluation interval (what a Prometheus running the file would use). */
export const RULE_INTERVAL_SECONDS = ruleIntervalSeconds(fs.readFileSync(NODE_CPU_RULES, 'utf8'));

function ruleIntervalSeconds(text: string): number {
  const interval = String((parse(text) as { groups: Array<{ interval?: string }> }).groups[0]?.interval ?? '');
  const m = /^(\d+)(s|m)$/.exec(interval);
  if (!m) throw new Error(`${NODE_CPU_RULES}: group interval ${JSON.stringify(interval)} is not like 4m or 240s`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

/** Evaluates the rules over [start, end] (evaluations at start + k x interval, so on every half-hour boundary). */
export async function createRuleBlocks(
  promUrl: string,
  startSeconds: number,
  endSeconds: number,
  outDir: string,
  evalIntervalSeconds = RULE_INTERVAL_SECONDS
): Promise<void> {
  fs.mkdirSync(outDir, { recursive: true });
  const args = [
    'tsdb',
    'create-blocks-from',
    'rules',
    '--quiet',
    `--url=${promUrl}`,
    `--start=${startSeconds}`,
    `--end=${endSeconds}`,
    `--eval-interval=${evalIntervalSeconds}s`,
    `--output-dir=${outDir}`,
    NODE_CPU_RULES,
  ];
  await new Promise<void>((resolve, reject) => {
    execFile(requireBinary('promtool'), args, { maxBuffer: 16 << 20 }, (err, _out, stderr) =>
      err
        ? reject(new Error(`promtool ${args.join(' ')}: ${String(stderr).trim().split('\n').slice(-10).join('\n')}`))
        : resolve()
    );
  });
}

/** A directory with copies of every block of `dirs`, for startPrometheus({ blocksDir }). */
export function mergeBlockDirs(outDir: string, ...dirs: string[]): string {
  fs.mkdirSync(outDir, { recursive: true });
  for (const d of dirs) {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory() && fs.existsSync(path.join(d, e.name, 'meta.json')))
        fs.cpSync(path.join(d, e.name), path.join(outDir, e.name), { recursive: true });
    }
  }
  return outDir;
}
