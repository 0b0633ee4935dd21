import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { requireBinary } from './binaries';
import { freePort } from './ports';
import { liveProcessCount, startProcess } from './process';
import { startPrometheus } from './prometheus';

describe('process helper', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-process-test-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('freePort gives a bindable loopback port', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const net = await import('net');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
  });

  it('stop() SIGTERMs, escalates to SIGKILL, and resolves after exit', async () => {
    const p = startProcess({
      name: 'stubborn',
      command: '/bin/sh',
      args: ['-c', 'trap "" TERM; echo started; while :; do sleep 0.1; done'],
      logDir: dir,
    });
    await p.waitUntil(() => Promise.resolve(fs.readFileSync(p.logPath, 'utf8').includes('started')), 'start');
    const t0 = Date.now();
    await p.stop(300);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(p.exitInfo()?.signal).toBe('SIGKILL');
    expect(() => process.kill(p.pid, 0)).toThrow();
    expect(liveProcessCount()).toBe(0);
  });

  it('an early death is reported with the log tail', async () => {
    const p = startProcess({
      name: 'dies',
      command: '/bin/sh',
      args: ['-c', 'echo "fatal: bad flag --foo" >&2; exit 3'],
      logDir: dir,
    });
    await expect(p.waitUntil(() => Promise.resolve(false), 'readiness')).rejects.toThrow(
      /dies exited early \(code 3.*fatal: bad flag --foo/s
    );
  });

  it('Prometheus failing to start shows its log', async () => {
    await expect(startPrometheus({ extraArgs: ['--no-such-flag'] })).rejects.toThrow(/no-such-flag/);
  });

  it('a missing binary names the Debian package', () => {
    const old = process.env.ADA_CARBON_NODE_EXPORTER_BIN;
    jest.isolateModules(() => {
      process.env.ADA_CARBON_NODE_EXPORTER_BIN = '/nonexistent/node-exporter';
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- isolateModules takes a synchronous callback, so the fresh copy is loaded with require
      const b = require('./binaries') as typeof import('./binaries');
      expect(() => b.requireBinary('nodeExporter')).toThrow(/apt-get install -y prometheus-node-exporter/);
    });
    if (old === undefined) delete process.env.ADA_CARBON_NODE_EXPORTER_BIN;
    else process.env.ADA_CARBON_NODE_EXPORTER_BIN = old;
    expect(requireBinary('promtool')).toMatch(/promtool$/);
  });
});
