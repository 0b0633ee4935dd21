/**
 * Streams a synthetic fleet as OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`.
 *
 * Format rules kept (OpenMetrics 1.0, and what Prometheus' OpenMetrics parser checks):
 * - each family is written whole (no interleaving): metadata lines, then all its samples;
 * - counter families are named without `_total` in `# TYPE`/`# HELP`/`# UNIT`, their samples with it; a UNIT is the
 *   name's suffix (the parser rejects it otherwise);
 * - every sample carries a timestamp in seconds (promtool requires one), and each series' samples ascend in time (the
 *   TSDB appender rejects out-of-order samples of a series);
 * - label values escape backslash, double quote and newline; each label name appears once per sample;
 * - the file ends with `# EOF` and a newline, nothing after.
 */
import * as fs from 'fs';
import { once } from 'events';
import { CPU_MODES, DEFAULT_JOB, fleetGrid, hostCpuCounters, hostSamples, memActiveBytesAt } from './fleetModel';
import type { FleetHost, FleetSpec, HostSamples } from './fleetModel';

export interface WriteStats {
  samples: number;
  series: number;
  bytes: number;
}

const RESERVED_LABELS = new Set(['cpu', 'mode', 'instance', 'job']);
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FLUSH_CHARS = 1 << 20;

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * Timestamp text for `ms` that promtool reads back as exactly `ms`: it parses seconds as a float64 and truncates
 * `seconds * 1000` toward zero, so e.g. "0.291" would become 290 ms; a digit past the millisecond avoids that.
 */
export function formatTimestampSeconds(ms: number): string {
  if (ms % 1000 === 0) return String(ms / 1000);
  for (const s of [(ms / 1000).toFixed(3), ((ms + 0.5) / 1000).toFixed(4)]) {
    if (Math.trunc(Number(s) * 1000) === ms) return s;
  }
  throw new Error(`cannot write timestamp ${ms} ms exactly`);
}

function hostLabelText(host: FleetHost, job: string): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(host.labels)) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new Error(`fleet host ${host.instance}: bad label name "${name}"`);
    if (RESERVED_LABELS.has(name)) throw new Error(`fleet host ${host.instance}: label "${name}" is set by the generator`);
    parts.push(`${name}="${escapeLabelValue(value)}"`);
  }
  parts.push(`instance="${escapeLabelValue(host.instance)}"`, `job="${escapeLabelValue(job)}"`);
  return parts.join(',');
}

/** A buffered writer that respects the stream's backpressure. */
class Sink {
  private buf = '';
  bytes = 0;
  constructor(private readonly stream: fs.WriteStream) {}
  async add(text: string): Promise<void> {
    this.buf += text;
    if (this.buf.length >= FLUSH_CHARS) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const chunk = Buffer.from(this.buf, 'utf8');
    this.buf = '';
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
}

export async function writeFleetOpenMetrics(spec: FleetSpec, file: string): Promise<WriteStats> {
  const grid = fleetGrid(spec);
  const job = spec.job ?? DEFAULT_JOB;
  // Every sample's " <timestamp>\n" tail, shared by all series.
  const tails: string[] = [];
  for (let k = 0; k < grid.count; k++) tails.push(` ${formatTimestampSeconds(grid.startMs + k * grid.stepMs)}\n`);
  const labelTexts = spec.hosts.map((h) => hostLabelText(h, job));
  // Computed once per host and reused by the four gauge families; counters are computed one host at a time.
  const samplesByHost: HostSamples[] = spec.hosts.map((h) => hostSamples(spec, h));

  const stream = fs.createWriteStream(file, { highWaterMark: 4 << 20 });
  const streamError = new Promise<never>((_, reject) => stream.once('error', reject));
  const sink = new Sink(stream);
  let samples = 0;
  let series = 0;

  const family = async (
    name: string,
    type: 'counter' | 'gauge',
    unit: string | undefined,
    help: string,
    perHost: (host: FleetHost, hs: HostSamples, labels: string) => Promise<void>,
  ): Promise<void> => {
    let meta = `# TYPE ${name} ${type}\n`;
    if (unit) meta += `# UNIT ${name} ${unit}\n`;
    meta += `# HELP ${name} ${help}\n`;
    await sink.add(meta);
    for (let h = 0; h < spec.hosts.length; h++) await perHost(spec.hosts[h]!, samplesByHost[h]!, labelTexts[h]!);
  };

  const gauge = async (hs: HostSamples, head: string, valueAt: (i: number) => number): Promise<void> => {
    const n = hs.timesMs.length;
    if (n === 0) return;
    series++;
    samples += n;
    let text = '';
    for (let i = 0; i < n; i++) text += head + String(valueAt(i)) + tails[hs.gridIndex[i]!];
    await sink.add(text);
  };

  const write = async (): Promise<void> => {
    await family('node_cpu_seconds', 'counter', 'seconds', 'Seconds the CPUs spent in each mode.', async (host, hs, labels) => {
      const n = hs.timesMs.length;
      if (n === 0) return;
      const counters = hostCpuCounters(spec, host, hs);
      for (let c = 0; c < host.cpus; c++) {
        for (let m = 0; m < CPU_MODES.length; m++) {
          const head = `node_cpu_seconds_total{${labels},cpu="${c}",mode="${CPU_MODES[m]}"} `;
          const base = (c * CPU_MODES.length + m) * n;
          let text = '';
          for (let i = 0; i < n; i++) text += head + String(counters[base + i]) + tails[hs.gridIndex[i]!];
          series++;
          samples += n;
          await sink.add(text);
        }
      }
    });
    await family('node_boot_time_seconds', 'gauge', 'seconds', 'Node boot time, in unixtime.', (_h, hs, labels) =>
      gauge(hs, `node_boot_time_seconds{${labels}} `, (i) => hs.bootSeconds[i]!),
    );
    await family('node_memory_Active_bytes', 'gauge', 'bytes', 'Memory information field Active_bytes.', (host, hs, labels) =>
      gauge(hs, `node_memory_Active_bytes{${labels}} `, (i) => memActiveBytesAt(host, hs.timesMs[i]!)),
    );
    await family('node_memory_MemTotal_bytes', 'gauge', 'bytes', 'Memory information field MemTotal_bytes.', (host, hs, labels) =>
      gauge(hs, `node_memory_MemTotal_bytes{${labels}} `, () => host.memTotalBytes),
    );
    await family('up', 'gauge', undefined, 'Whether the target was scraped successfully (1 whenever a sample exists).', (_h, hs, labels) =>
      gauge(hs, `up{${labels}} `, () => 1),
    );
    await sink.add('# EOF\n');
    await sink.flush();
    stream.end();
    await once(stream, 'finish');
  };

  try {
    await Promise.race([write(), streamError]);
  } finally {
    if (!stream.destroyed && !stream.writableFinished) stream.destroy();
  }
  return { samples, series, bytes: sink.bytes };
}
