/**
 * The quick start's main job: `ada-carbon serve` with no prometheus.url starts prometheus-node-exporter and Prometheus
 * on loopback and tracks this machine as a workspace within a minute, printing the URLs; Ctrl-C stops all of it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../harness/ports';
import { startCarbonServer, type CarbonServer } from '../harness/carbonServer';

const CLI = path.resolve(__dirname, '../../exporter/dist/cli.js');
let child: ChildProcess | undefined;
let carbon: CarbonServer;

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await carbon?.stop();
});

it('serve with no Prometheus configured tracks this machine within a minute and stops cleanly', async () => {
  expect(fs.existsSync(CLI)).toBe(true);
  carbon = await startCarbonServer();
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-quickstart-'));
  const port = await freePort();
  const started = Date.now();
  child = spawn(process.execPath, [CLI, 'serve'], {
    cwd,
    env: {
      PATH: process.env.PATH,
      ADA_CARBON_SERVER_PORT: String(port),
      ADA_CARBON_LOG_LEVEL: 'warn',
      ADA_CARBON_CARBON_INTENSITY_URL: carbon.url,
    },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  while (!out.includes('This machine is tracked')) {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}:\n${out}`);
    if (Date.now() - started > 60000) throw new Error(`not tracking within a minute:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(out).toContain(`http://127.0.0.1:${port}/metrics`);
  const promUrl = /Prometheus: (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
  expect(promUrl).toBeDefined();

  let body: { count: number; workspaces: Array<Record<string, unknown>> } = { count: 0, workspaces: [] };
  while (body.count === 0 && Date.now() - started < 60000) {
    body = (await (await fetch(`http://127.0.0.1:${port}/api/v1/workspaces`)).json()) as typeof body;
    if (body.count === 0) await new Promise((r) => setTimeout(r, 500));
  }
  expect(Date.now() - started).toBeLessThan(60000);
  expect(body.workspaces).toEqual([
    expect.objectContaining({ site: 'local', host: os.hostname(), cpus: os.cpus().length }),
  ]);
  expect(body.workspaces[0]!.busy_kwh as number).toBeGreaterThan(0);
  const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
  expect(ready.status).toBe(200);
  expect(fs.existsSync(path.join(cwd, '.ada-carbon', 'ada-carbon.sqlite'))).toBe(true);

  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child!.once('exit', (c) => r(c)));
  expect(code).toBe(0);
  await expect(fetch(`${promUrl}/-/ready`)).rejects.toThrow();
}, 90000);
