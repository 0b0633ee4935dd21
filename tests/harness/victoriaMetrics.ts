/**
 * A single-node VictoriaMetrics on loopback that serves the Prometheus query API, so exporter tests can point
 * `prometheus.url` at it, and a loader for synthetic fleets through its Prometheus-text import endpoint.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { requireBinary } from './binaries';
import type { FleetSpec } from './fleetModel';
import { writeFleetOpenMetrics } from './openmetrics';
import { freePort } from './ports';
import { startProcess, type ManagedProcess } from './process';
import type { QueryData, RunningPrometheus } from './prometheus';

/** What exporter tests need from a Prometheus-API server: the same members RunningPrometheus has. */
export type PrometheusApiServer = Pick<RunningPrometheus, 'url' | 'port' | 'query' | 'stop'>;

export interface RunningVictoriaMetrics extends PrometheusApiServer {
  dataDir: string;
  logPath: string;
  /** GET /internal/force_flush: what was imported becomes visible to queries at once. */
  forceFlush(): Promise<void>;
  /** A counter from its own /metrics, e.g. `vm_rows_invalid_total{type="prometheus"}` (0 when absent). */
  selfMetric(name: string): Promise<number>;
}

export interface StartVictoriaMetricsOptions {
  /** `-retentionPeriod`; long by default so that synthetic history dated months back is kept and accepted. */
  retention?: string;
  extraArgs?: string[];
}

const READY_TIMEOUT_MS = 60000;

export async function startVictoriaMetrics(opts: StartVictoriaMetricsOptions = {}): Promise<RunningVictoriaMetrics> {
  const bin = requireBinary('victoriaMetrics');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-victoria-'));
  const dataDir = path.join(workDir, 'data');
  let lastError: unknown;
  // The free port can be taken between freePort() and the bind: retry with another one.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc: ManagedProcess = startProcess({
      name: `victoria-metrics-${attempt}`,
      command: bin,
      args: [
        `-storageDataPath=${dataDir}`,
        `-retentionPeriod=${opts.retention ?? '100y'}`,
        `-httpListenAddr=127.0.0.1:${port}`,
        '-loggerLevel=WARN',
        ...(opts.extraArgs ?? []),
      ],
      logDir: workDir,
    });
    try {
      await proc.waitUntil(
        async () => {
          const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
          await res.arrayBuffer();
          return res.ok;
        },
        `${url}/health`,
        READY_TIMEOUT_MS
      );
    } catch (err) {
      lastError = err;
      await proc.stop();
      if (/address already in use/.test(proc.logTail(50))) continue;
      fs.rmSync(workDir, { recursive: true, force: true });
      throw err;
    }
    return running(url, port, dataDir, workDir, proc);
  }
  fs.rmSync(workDir, { recursive: true, force: true });
  throw lastError;
}

function running(
  url: string,
  port: number,
  dataDir: string,
  workDir: string,
  proc: ManagedProcess
): RunningVictoriaMetrics {
  return {
    url,
    port,
    dataDir,
    logPath: proc.logPath,
    stop: async () => {
      await proc.stop();
      if (process.env.ADA_CARBON_HARNESS_KEEP !== '1') fs.rmSync(workDir, { recursive: true, force: true });
    },
    query: async <R>(expr: string, timeSeconds?: number): Promise<QueryData<R>> => {
      const params = new URLSearchParams({ query: expr });
      if (timeSeconds !== undefined) params.set('time', String(timeSeconds));
      const res = await fetch(`${url}/api/v1/query?${params.toString()}`);
      const text = await res.text();
      let body: { status?: string; data?: unknown; error?: string };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        throw new Error(`query ${expr}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
      }
      if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error ?? res.status}`);
      return body.data as QueryData<R>;
    },
    forceFlush: async () => {
      const res = await fetch(`${url}/internal/force_flush`);
      const text = await res.text();
      if (!res.ok) throw new Error(`VictoriaMetrics force_flush: HTTP ${res.status}: ${text.slice(0, 200)}`);
    },
    selfMetric: async (name: string) => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line === undefined ? 0 : Number(line.slice(name.length + 1));
    },
  };
}

export interface ImportStats {
  samples: number;
  bytes: number;
  requests: number;
  seconds: number;
}

/** Bytes per import request: bounded memory, and far below any request-size limit. */
const BATCH_BYTES = 8 << 20;

/**
 * Seconds as the OpenMetrics writer prints them ("1793491200", "1793491200.291", or with a 4th digit that promtool
 * truncates away) to the integer milliseconds the Prometheus text format carries. Done on the text, not in float,
 * so the result is the millisecond the writer meant.
 */
export function secondsTextToMs(text: string): string {
  const m = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) throw new Error(`not a non-negative timestamp in seconds: ${JSON.stringify(text)}`);
  const ms = Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0').slice(0, 3));
  if (!Number.isSafeInteger(ms)) throw new Error(`timestamp out of range: ${text}`);
  return String(ms);
}

/** One OpenMetrics sample line as a Prometheus-text line with a millisecond timestamp; undefined for comments. */
export function toPrometheusTextLine(line: string): string | undefined {
  if (line === '' || line.startsWith('#')) return undefined;
  // Label values escape newlines and end in a quote, so the last space is the one before the timestamp.
  const space = line.lastIndexOf(' ');
  if (space < 0) throw new Error(`OpenMetrics line without a timestamp: ${line.slice(0, 120)}`);
  return `${line.slice(0, space)} ${secondsTextToMs(line.slice(space + 1))}`;
}

async function postBatch(vm: Pick<RunningVictoriaMetrics, 'url'>, body: string): Promise<void> {
  const res = await fetch(`${vm.url}/api/v1/import/prometheus`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    body,
  });
  const text = await res.text();
  if (res.status !== 204 && !res.ok)
    throw new Error(`VictoriaMetrics import: HTTP ${res.status}: ${text.slice(0, 300)}`);
}

/**
 * Streams an OpenMetrics file (as writeFleetOpenMetrics writes it) into VictoriaMetrics in batches of whole lines.
 * The endpoint logs and skips lines it cannot parse while still answering 204, so its invalid-rows counter is
 * compared before and after.
 */
export async function importOpenMetricsFile(vm: RunningVictoriaMetrics, file: string): Promise<ImportStats> {
  const t0 = performance.now();
  const invalidName = 'vm_rows_invalid_total{type="prometheus"}';
  const invalidBefore = await vm.selfMetric(invalidName);
  const stats: ImportStats = { samples: 0, bytes: 0, requests: 0, seconds: 0 };
  let batch: string[] = [];
  let batchBytes = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const body = batch.join('\n') + '\n';
    batch = [];
    batchBytes = 0;
    stats.bytes += Buffer.byteLength(body);
    stats.requests++;
    await postBatch(vm, body);
  };
  let rest = '';
  for await (const chunk of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (rest + (chunk as string)).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const out = toPrometheusTextLine(line);
      if (out === undefined) continue;
      batch.push(out);
      batchBytes += out.length + 1;
      stats.samples++;
    }
    if (batchBytes >= BATCH_BYTES) await flush();
  }
  const last = toPrometheusTextLine(rest);
  if (last !== undefined) {
    batch.push(last);
    stats.samples++;
  }
  await flush();
  await vm.forceFlush();
  const invalid = (await vm.selfMetric(invalidName)) - invalidBefore;
  if (invalid > 0) throw new Error(`VictoriaMetrics rejected ${invalid} imported lines; see ${vm.logPath}`);
  stats.seconds = (performance.now() - t0) / 1000;
  return stats;
}

/** Writes the fleet's synthetic history (the OpenMetrics writer's samples) into VictoriaMetrics. */
export async function importFleet(vm: RunningVictoriaMetrics, spec: FleetSpec): Promise<ImportStats> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-victoria-import-'));
  try {
    const file = path.join(dir, 'fleet.om');
    await writeFleetOpenMetrics(spec, file);
    return await importOpenMetricsFile(vm, file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
