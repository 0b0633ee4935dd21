import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { requireBinary } from './binaries';
import { freePort } from './ports';
import { startProcess } from './process';

export interface RunningNodeExporter {
  url: string;
  port: number;
  /** "127.0.0.1:PORT", ready for a static_configs target. */
  address: string;
  stop(): Promise<void>;
}

/** The collectors the product reads; everything else is off so that a scrape is fast. */
const COLLECTORS = ['cpu', 'meminfo', 'stat', 'loadavg', 'uname'];

export async function startNodeExporter(opts: { port?: number } = {}): Promise<RunningNodeExporter> {
  const bin = requireBinary('nodeExporter');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-node-exporter-'));
  let lastError: unknown;
  const attempts = opts.port === undefined ? 3 : 1;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = opts.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const proc = startProcess({
      name: `node-exporter-${attempt}`,
      command: bin,
      args: [
        `--web.listen-address=127.0.0.1:${port}`,
        '--collector.disable-defaults',
        ...COLLECTORS.map((c) => `--collector.${c}`),
        '--web.disable-exporter-metrics',
      ],
      logDir: workDir,
    });
    try {
      await proc.waitUntil(
        async () => {
          const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) });
          const text = await res.text();
          return res.ok && text.includes('node_cpu_seconds_total');
        },
        `${url}/metrics`,
        30000
      );
    } catch (err) {
      lastError = err;
      await proc.stop();
      if (/address already in use/.test(proc.logTail(50))) continue;
      throw err;
    }
    return {
      url,
      port,
      address: `127.0.0.1:${port}`,
      stop: async () => {
        await proc.stop();
        if (process.env.ADA_CARBON_HARNESS_KEEP !== '1') fs.rmSync(workDir, { recursive: true, force: true });
      },
    };
  }
  throw lastError;
}
