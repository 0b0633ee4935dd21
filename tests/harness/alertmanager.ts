import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { requireBinary } from './binaries';
import { freePort } from './ports';
import { startProcess, type ManagedProcess } from './process';

export interface StartAlertmanagerOptions {
  /** The whole alertmanager.yml as an object (route, receivers, ...); written out as YAML. */
  config: object;
  extraArgs?: string[];
}

/** An alert as POST /api/v2/alerts takes it (what Prometheus sends). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  /** RFC 3339; a past endsAt resolves the alert. */
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

/** The part of a GET /api/v2/alerts entry the tests read. */
export interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  fingerprint: string;
  status: { state: string };
}

export interface RunningAlertmanager {
  url: string;
  port: number;
  configPath: string;
  storagePath: string;
  /** The log file (stdout and stderr); removed by stop() unless ADA_CARBON_HARNESS_KEEP=1. */
  logPath: string;
  /** POST /api/v2/alerts, as Prometheus does. */
  postAlerts(alerts: PostableAlert[]): Promise<void>;
  /** GET /api/v2/alerts: the alerts it holds now. */
  alerts(): Promise<GettableAlert[]>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30000;

export function alertmanagerConfigYaml(config: object): string {
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new Error('startAlertmanager: config must be an object (the contents of alertmanager.yml)');
  return stringify(config);
}

/** The err="..." values of the log's error lines (logfmt), unescaped: what Alertmanager said went wrong. */
export function logErrors(logText: string): string[] {
  const errors: string[] = [];
  for (const line of logText.split('\n')) {
    if (!line.includes('level=error')) continue;
    const m = /\berr="((?:[^"\\]|\\.)*)"/.exec(line);
    if (m) errors.push((m[1] ?? '').replace(/\\(.)/g, '$1'));
  }
  return errors;
}

async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.ok;
}

/**
 * A real Alertmanager on loopback with clustering off (an empty --cluster.listen-address binds no gossip port) and its
 * silences and notification log in a temp dir.
 */
export async function startAlertmanager(opts: StartAlertmanagerOptions): Promise<RunningAlertmanager> {
  const yamlText = alertmanagerConfigYaml(opts.config);
  const bin = requireBinary('alertmanager');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-alertmanager-'));
  const storagePath = path.join(workDir, 'data');
  fs.mkdirSync(storagePath);
  const configPath = path.join(workDir, 'alertmanager.yml');
  fs.writeFileSync(configPath, yamlText);
  const cleanUp = (): void => {
    if (process.env.ADA_CARBON_HARNESS_KEEP !== '1') fs.rmSync(workDir, { recursive: true, force: true });
  };

  let lastError: unknown;
  // The free port can be taken between freePort() and Alertmanager binding it: retry with another one.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc: ManagedProcess = startProcess({
      name: `alertmanager-${attempt}`,
      command: bin,
      args: [
        `--config.file=${configPath}`,
        `--storage.path=${storagePath}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=${url}`,
        '--cluster.listen-address=',
        '--log.level=debug',
        ...(opts.extraArgs ?? []),
      ],
      logDir: workDir,
    });
    try {
      await proc.waitUntil(() => httpOk(`${url}/-/ready`), `${url}/-/ready`, READY_TIMEOUT_MS);
    } catch (err) {
      lastError = err;
      await proc.stop();
      if (/address already in use/.test(proc.logTail(50))) continue;
      // Lead with Alertmanager's own words (e.g. the config error); the files go with the work dir.
      const said = logErrors(proc.logTail(200));
      cleanUp();
      if (said.length > 0 && err instanceof Error)
        throw new Error(`alertmanager did not start: ${said.join('; ')}\n${err.message}`);
      throw err;
    }
    return {
      url,
      port,
      configPath,
      storagePath,
      logPath: proc.logPath,
      postAlerts: async (alerts) => {
        const res = await fetch(`${url}/api/v2/alerts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(alerts),
        });
        const text = await res.text();
        if (!res.ok) throw new Error(`alertmanager: POST /api/v2/alerts answered ${res.status}: ${text}`);
      },
      alerts: async () => {
        const res = await fetch(`${url}/api/v2/alerts`);
        if (!res.ok) throw new Error(`alertmanager: GET /api/v2/alerts answered ${res.status}`);
        return (await res.json()) as GettableAlert[];
      },
      stop: async () => {
        await proc.stop();
        cleanUp();
      },
    };
  }
  cleanUp();
  throw lastError;
}
