import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from '../../src/cli';
import { tempDir } from '../support/app';

function cli(args: string[], env: Record<string, string> = {}, cwd = tempDir()) {
  const out: string[] = [];
  const err: string[] = [];
  return runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), env, cwd })
    .then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
}

describe('ada-carbon CLI', () => {
  it('--help lists the commands and exits 0', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/serve[\s\S]*track[\s\S]*check-config/);
  });

  it('an unknown command is a usage error: exit 2', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command 'frobnicate'/);
  });

  it('check-config prints the effective config with secrets redacted', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'ada-carbon.yaml'), 'prometheus:\n  url: http://p:9090\n  bearerToken: hunter2-token\n');
    const r = await cli(['check-config'], { ADA_CARBON_PUE: '1.58' }, dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/url: http:\/\/p:9090/);
    expect(r.out).toMatch(/pue: 1.58/);
    expect(r.out).not.toContain('hunter2');
    expect(r.out).toContain('<redacted>');
    expect(r.err).toMatch(/configuration is valid .*ADA_CARBON_PUE/);
  });

  it('check-config exits 2 and lists every error with its key', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'prometheus: { url: "::" }\npue: 0.5\ntracking: { intervalSeconds: "often" }\n');
    const r = await cli(['--config', 'bad.yaml', 'check-config'], { ADA_CARBON_SERVER_PORT: '99999' }, dir);
    expect(r.code).toBe(2);
    for (const key of ['prometheus.url', 'pue', 'tracking.intervalSeconds', 'server.port']) expect(r.err).toContain(`${key}:`);
    expect(r.err).toMatch(/invalid configuration \(4 errors\)/);
  });

  it('track without a Prometheus URL is a config error (exit 2)', async () => {
    const r = await cli(['track', '--once']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/prometheus.url: is required by track/);
  });

  it('the built binary runs (bin of the exporter package)', () => {
    const bin = path.resolve(__dirname, '../../dist/cli.js');
    if (!fs.existsSync(bin)) spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: path.resolve(__dirname, '../..') });
    const r = spawnSync(process.execPath, [bin, 'check-config', '--json'], { encoding: 'utf8', cwd: tempDir(), env: { PATH: process.env.PATH } });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).sites.isis.project).toBe('IDAaaS');
    const bad = spawnSync(process.execPath, [bin, 'check-config'], { encoding: 'utf8', cwd: tempDir(), env: { PATH: process.env.PATH, ADA_CARBON_LOG_LEVEL: 'chatty' } });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/logLevel: must be one of/);
  });
});
