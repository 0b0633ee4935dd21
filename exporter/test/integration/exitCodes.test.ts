/**
 * The README's CLI table is the contract: every exit code it lists for a command is produced here by a real run
 * of that command (in-process through runCli, serve as the built bin), and no command exits with a code the table
 * does not list for it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { runCli } from '../../src/cli';
import { startPrometheus, type RunningPrometheus } from '../../../tests/harness/prometheus';
import { startCarbonServer, type CarbonServer } from '../../../tests/harness/carbonServer';
import { tempDir } from '../support/app';

const README = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
const bin = path.resolve(__dirname, '../../dist/cli.js');
const DEAD = 'http://127.0.0.1:9';

/** command -> the exit codes its README row lists */
function documentedCodes(): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of README.split('\n')) {
    // cells split on unescaped pipes: the report row's `user\|project\|site` is one cell
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    const m = /^`ada-carbon (\S+?)`?(?: |$)/.exec(cells[1] ?? '');
    if (!m || cells.length !== 5) continue;
    const codes = [...cells[3]!.matchAll(/(?:^|[\s,(])([0-9])(?=[\s,)]|$)/g)].map((c) => Number(c[1]));
    out.set(m[1]!.replace(/`$/, ''), [...new Set(codes)].sort());
  }
  return out;
}

let prom: RunningPrometheus;
let carbon: CarbonServer;

function config(over: Record<string, unknown> = {}): string {
  const dir = tempDir();
  const file = path.join(dir, 'ada-carbon.yaml');
  const body = {
    prometheus: { url: prom.url },
    carbonIntensity: { url: carbon.url },
    sites: { isis: { project: 'IDAaaS' } },
    store: { sqlite: { path: path.join(dir, 'store.sqlite') } },
    logLevel: 'silent',
    ...over,
  };
  fs.writeFileSync(file, YAML.stringify(body));
  return file;
}

const run = async (args: string[]): Promise<number> =>
  runCli(args, { out: () => undefined, err: () => undefined, env: {}, cwd: tempDir() });

/** serve from the built bin: resolves to its exit code, or 'running' once it logs that it listens (then killed). */
function serve(env: Record<string, string>): number | 'running' {
  const r = spawnSync(process.execPath, [bin, 'serve'], {
    encoding: 'utf8',
    cwd: tempDir(),
    timeout: 20000,
    env: { PATH: process.env.PATH, ADA_CARBON_SERVER_PORT: '0', ...env },
  });
  return r.status ?? 'running';
}

const badConfig = () => config({ pue: 0.5 });

/** One real run per (command, exit code). */
const SCENARIOS: Record<string, Record<number, () => Promise<number | 'running'>>> = {
  serve: {
    1: () => {
      const file = path.join(tempDir(), 'store.sqlite');
      fs.writeFileSync(file, Buffer.alloc(4096, 7)); // not a database
      return Promise.resolve(serve({ ADA_CARBON_PROMETHEUS_URL: DEAD, ADA_CARBON_STORE_SQLITE_PATH: file }));
    },
    2: () => Promise.resolve(serve({ ADA_CARBON_PROMETHEUS_URL: DEAD, ADA_CARBON_PUE: '0.5' })),
  },
  track: {
    0: () => run(['-c', config(), 'track', '--once']),
    1: () => run(['-c', config({ prometheus: { url: DEAD } }), 'track', '--once']),
    2: () => run(['-c', badConfig(), 'track', '--once']),
  },
  'check-config': {
    0: () => run(['-c', config(), 'check-config']),
    2: () => run(['-c', badConfig(), 'check-config']),
  },
  backfill: {
    0: () => run(['-c', config(), 'backfill', '--from', '2026-11-01', '--to', '2026-11-01']),
    // Prometheus down: every hour fails (no retries, no carbon API to wait for); the next run would retry them
    1: () => {
      const down = config({ prometheus: { url: DEAD, retries: 0 }, carbonIntensity: { url: DEAD } });
      return run(['-c', down, 'backfill', '--from', '2026-11-01', '--to', '2026-11-01']);
    },
    2: () => run(['-c', config(), 'backfill', '--from', '2026-11-02', '--to', '2026-11-01']),
  },
  report: {
    0: () =>
      run(['-c', config(), 'report', '--level', 'site', '--key', 'isis', '--from', '2026-11-01', '--to', '2026-11-02']),
    2: () =>
      run(['-c', config(), 'report', '--level', 'planet', '--key', 'x', '--from', '2026-11-01', '--to', '2026-11-02']),
  },
  '--help': { 0: () => run(['--help']) },
};

beforeAll(async () => {
  [prom, carbon] = await Promise.all([startPrometheus({}), startCarbonServer()]);
}, 60000);
afterAll(async () => Promise.all([prom?.stop(), carbon?.stop()]));

describe('CLI exit codes as the README lists them', () => {
  it('the README lists every command, and each has a scenario for each code it lists, and no more', () => {
    const documented = documentedCodes();
    expect([...documented.keys()].sort()).toEqual(Object.keys(SCENARIOS).sort());
    for (const [command, codes] of documented)
      expect([command, codes]).toEqual([command, Object.keys(SCENARIOS[command]!).map(Number).sort()]);
  });

  const cases = Object.entries(SCENARIOS).flatMap(([command, byCode]) =>
    Object.entries(byCode).map(([code, scenario]) => [command, Number(code), scenario] as const)
  );
  it.each(cases)(
    '%s exits %i',
    async (_command, code, scenario) => {
      expect(await scenario()).toBe(code);
    },
    60000
  );
});
