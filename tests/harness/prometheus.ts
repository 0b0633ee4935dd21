import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { requireBinary } from './binaries';
import { freePort } from './ports';
import { startProcess, type ManagedProcess } from './process';

export interface StartPrometheusOptions {
  /** Entries of `scrape_configs`, passed through as they are. */
  scrapeConfigs?: object[];
  scrapeIntervalSeconds?: number;
  evaluationIntervalSeconds?: number;
  /** Absolute paths of rule files. */
  ruleFiles?: string[];
  /** A directory of TSDB blocks (e.g. from createBlocks) copied into the data dir before start. */
  blocksDir?: string;
  /** `--storage.tsdb.retention.time`; long by default so that old synthetic history is never deleted. */
  retention?: string;
  extraArgs?: string[];
  /** Use this data dir instead of a fresh temp one (it is then left in place on stop). */
  dataDir?: string;
  /** Base URL of an Alertmanager (e.g. http://127.0.0.1:9093) to send alerts to; none by default. */
  alertmanagerUrl?: string;
}

/** One series of an instant-vector answer; range (matrix) answers carry `values` instead, so callers say so. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}
/** The `data` of a /api/v1/query answer, with R as the shape of one result. */
export interface QueryData<R = PromSample> {
  resultType: string;
  result: R[];
}

export interface RunningPrometheus {
  url: string;
  port: number;
  dataDir: string;
  configPath: string;
  stop(): Promise<void>;
  /** GET /api/v1/query; resolves to the response's `data` ({ resultType, result }). For the harness's own tests. */
  query<R = PromSample>(expr: string, timeSeconds?: number): Promise<QueryData<R>>;
}

const READY_TIMEOUT_MS = 60000;

async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.ok;
}

/** Copies each block directory (ULID-named, with meta.json) of `blocksDir` into `dataDir`. */
function copyBlocks(blocksDir: string, dataDir: string): number {
  let copied = 0;
  for (const entry of fs.readdirSync(blocksDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const from = path.join(blocksDir, entry.name);
    if (!fs.existsSync(path.join(from, 'meta.json'))) continue;
    // A copy, not a link: Prometheus compacts and deletes blocks in its data dir, and callers reuse blocksDir.
    fs.cpSync(from, path.join(dataDir, entry.name), { recursive: true });
    copied++;
  }
  return copied;
}

/** One `alerting.alertmanagers` entry for a base URL: scheme, host:port target and any path prefix. */
function alertmanagerEntry(baseUrl: string): Record<string, unknown> {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    throw new Error(`startPrometheus: alertmanagerUrl ${JSON.stringify(baseUrl)} is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new Error(`startPrometheus: alertmanagerUrl ${baseUrl} must be http or https`);
  const entry: Record<string, unknown> = { scheme: u.protocol.slice(0, -1), static_configs: [{ targets: [u.host] }] };
  if (u.pathname !== '/') entry.path_prefix = u.pathname;
  return entry;
}

export function prometheusConfigYaml(opts: StartPrometheusOptions): string {
  const config: Record<string, unknown> = {
    global: {
      scrape_interval: `${opts.scrapeIntervalSeconds ?? 15}s`,
      evaluation_interval: `${opts.evaluationIntervalSeconds ?? opts.scrapeIntervalSeconds ?? 15}s`,
    },
    scrape_configs: opts.scrapeConfigs ?? [],
  };
  if (opts.ruleFiles && opts.ruleFiles.length > 0) config.rule_files = opts.ruleFiles.map((f) => path.resolve(f));
  if (opts.alertmanagerUrl !== undefined)
    config.alerting = { alertmanagers: [alertmanagerEntry(opts.alertmanagerUrl)] };
  return stringify(config);
}

export async function startPrometheus(opts: StartPrometheusOptions = {}): Promise<RunningPrometheus> {
  const bin = requireBinary('prometheus');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-prometheus-'));
  const dataDir = opts.dataDir ?? path.join(workDir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  if (opts.blocksDir !== undefined) {
    if (copyBlocks(opts.blocksDir, dataDir) === 0)
      throw new Error(`startPrometheus: no TSDB blocks in ${opts.blocksDir}`);
  }
  const configPath = path.join(workDir, 'prometheus.yml');
  fs.writeFileSync(configPath, prometheusConfigYaml(opts));
  const jobNames = (opts.scrapeConfigs ?? [])
    .map((c) => (c as { job_name?: unknown }).job_name)
    .filter((j): j is string => typeof j === 'string');

  let lastError: unknown;
  // The free port can be taken between freePort() and Prometheus binding it: retry with another one.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc: ManagedProcess = startProcess({
      name: `prometheus-${attempt}`,
      command: bin,
      args: [
        `--config.file=${configPath}`,
        `--storage.tsdb.path=${dataDir}`,
        `--storage.tsdb.retention.time=${opts.retention ?? '100y'}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-lifecycle',
        '--log.level=info',
        ...(opts.extraArgs ?? []),
      ],
      logDir: workDir,
    });
    try {
      // /-/ready turns 200 only after the TSDB is open and the first config load succeeded.
      await proc.waitUntil(() => httpOk(`${url}/-/ready`), `${url}/-/ready`, READY_TIMEOUT_MS);
      await proc.waitUntil(
        async () => {
          const res = await fetch(`${url}/api/v1/status/config`);
          const body = (await res.json()) as { data?: { yaml?: string } };
          const yaml = body.data?.yaml ?? '';
          return res.ok && jobNames.every((j) => yaml.includes(j));
        },
        'the config to be loaded',
        READY_TIMEOUT_MS
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
      dataDir,
      configPath,
      stop: async () => {
        await proc.stop();
        // workDir holds the config, the log and (unless the caller gave one) the data dir; a given dataDir is kept.
        if (process.env.ADA_CARBON_HARNESS_KEEP !== '1') fs.rmSync(workDir, { recursive: true, force: true });
      },
      query: async <R>(expr: string, timeSeconds?: number): Promise<QueryData<R>> => {
        const params = new URLSearchParams({ query: expr });
        if (timeSeconds !== undefined) params.set('time', String(timeSeconds));
        const res = await fetch(`${url}/api/v1/query?${params.toString()}`);
        const body = (await res.json()) as { status: string; data?: unknown; error?: string };
        if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error ?? res.status}`);
        return body.data as QueryData<R>;
      },
    };
  }
  throw lastError;
}
