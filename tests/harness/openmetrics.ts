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
import {
  CPU_MODES,
  DEFAULT_JOB,
  QUANTA_PER_SECOND,
  fleetGrid,
  hostCpuCounters,
  hostSamples,
  memActiveBytesAt,
} from './fleetModel';
import type { FleetHost, FleetSpec, HostSamples } from './fleetModel';

export interface WriteStats {
  samples: number;
  series: number;
  bytes: number;
}

const RESERVED_LABELS = new Set(['cpu', 'mode', 'instance', 'job']);
// eslint-disable-next-line no-control-regex -- the whole ASCII range is meant, control characters included
const ASCII = /^[\x00-\x7f]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const BUFFER_BYTES = 4 << 20;

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

/** ".xxx" for each fraction f/1024: the exact decimal expansion (at most 10 digits), trailing zeros dropped. */
const FRACTIONS: string[] = Array.from({ length: QUANTA_PER_SECOND }, (_, f) =>
  f === 0
    ? ''
    : `.${String(f * 9765625)
        .padStart(10, '0')
        .replace(/0+$/, '')}`
);

/**
 * Text of a counter value. Counters are whole multiples of 1/1024 s, whose exact decimal expansion is an integer plus
 * a table entry: much cheaper than general float-to-shortest-string, and read back by Go's ParseFloat bit for bit.
 */
export function formatCounter(value: number): string {
  const whole = Math.floor(value);
  const q = (value - whole) * QUANTA_PER_SECOND;
  if (value >= 0 && value < 2 ** 40 && Number.isInteger(q)) return String(whole) + FRACTIONS[q]!;
  return String(value);
}

function hostLabelText(host: FleetHost, job: string): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(host.labels)) {
    if (!LABEL_NAME.test(name) || name.startsWith('__'))
      throw new Error(`fleet host ${host.instance}: bad label name "${name}"`);
    if (RESERVED_LABELS.has(name))
      throw new Error(`fleet host ${host.instance}: label "${name}" is set by the generator`);
    parts.push(`${name}="${escapeLabelValue(value)}"`);
  }
  parts.push(`instance="${escapeLabelValue(host.instance)}"`, `job="${escapeLabelValue(job)}"`);
  return parts.join(',');
}

/** Fills large buffers and hands them to the stream, respecting its backpressure. */
class Sink {
  private buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private pos = 0;
  bytes = 0;
  constructor(private readonly stream: fs.WriteStream) {}
  /** Whether `len` more bytes fit without a flush. */
  fits(len: number): boolean {
    return this.pos + len <= this.buf.length;
  }
  async string(text: string, ascii = false): Promise<void> {
    // UTF-8 needs at most 3 bytes per UTF-16 unit; latin1 is a faster copy when the text is known to be ASCII.
    const worst = ascii ? text.length : text.length * 3;
    if (!this.fits(worst)) await this.flush(worst);
    this.pos += this.buf.write(text, this.pos, ascii ? 'latin1' : 'utf8');
  }
  async flush(nextLen = 0): Promise<void> {
    if (this.pos > 0) {
      const full = this.buf.subarray(0, this.pos);
      this.bytes += this.pos;
      // The stream keeps `full` until written, so writing continues into a fresh buffer.
      this.buf = Buffer.allocUnsafe(Math.max(BUFFER_BYTES, nextLen));
      this.pos = 0;
      if (!this.stream.write(full)) await once(this.stream, 'drain');
    }
  }
}

/** Per-host CPU counters, computed once and shared by the shards of one fleet (see fleetBlocks.ts). */
export type CounterCache = Map<FleetHost, { samples: HostSamples; counters?: Float64Array }>;

export interface WriteRangeOptions {
  /** Write only grid points with index in [fromGridIndex, toGridIndex) (default: all). */
  fromGridIndex?: number;
  toGridIndex?: number;
  cache?: CounterCache;
}

export async function writeFleetOpenMetrics(
  spec: FleetSpec,
  file: string,
  opts: WriteRangeOptions = {}
): Promise<WriteStats> {
  const grid = fleetGrid(spec);
  const job = spec.job ?? DEFAULT_JOB;
  const from = opts.fromGridIndex ?? 0;
  const to = Math.min(opts.toGridIndex ?? grid.count, grid.count);
  // Every sample's " <timestamp>\n" tail, shared by all series.
  const tails: string[] = [];
  for (let k = 0; k < grid.count; k++) {
    tails.push(k >= from && k < to ? ` ${formatTimestampSeconds(grid.startMs + k * grid.stepMs)}\n` : '');
  }
  const cache = opts.cache ?? (new Map() as CounterCache);
  const entryOf = (host: FleetHost): { samples: HostSamples; counters?: Float64Array } => {
    let e = cache.get(host);
    if (!e) {
      e = { samples: hostSamples(spec, host) };
      cache.set(host, e);
    }
    return e;
  };
  const countersOf = (host: FleetHost): Float64Array => {
    const e = entryOf(host);
    e.counters ??= hostCpuCounters(spec, host, e.samples);
    // Without a shared cache, keep at most one host's counters alive.
    if (!opts.cache) cache.delete(host);
    return e.counters;
  };

  const stream = fs.createWriteStream(file);
  const streamError = new Promise<never>((_, reject) => stream.once('error', reject));
  const sink = new Sink(stream);
  let samples = 0;
  let series = 0;

  /** One series: the samples of `hs` inside the range, value i from `valueAt`. */
  const writeSeries = async (
    head: string,
    hs: HostSamples,
    valueAt: (i: number) => number,
    format: (v: number) => string = String
  ): Promise<void> => {
    // Concatenating one series into a string and copying it once is several times faster than copying per line.
    let text = '';
    let count = 0;
    const n = hs.timesMs.length;
    for (let i = firstIndexFrom(hs.gridIndex, from); i < n; i++) {
      const k = hs.gridIndex[i]!;
      if (k >= to) break;
      text += head + format(valueAt(i)) + tails[k]!;
      count++;
    }
    if (count === 0) return;
    series++;
    samples += count;
    await sink.string(text, ASCII.test(head));
  };

  const family = async (
    name: string,
    type: 'counter' | 'gauge',
    unit: string | undefined,
    help: string
  ): Promise<void> => {
    let meta = `# TYPE ${name} ${type}\n`;
    if (unit) meta += `# UNIT ${name} ${unit}\n`;
    meta += `# HELP ${name} ${help}\n`;
    await sink.string(meta);
  };

  const write = async (): Promise<void> => {
    const labelTexts = spec.hosts.map((h) => hostLabelText(h, job));
    await family('node_cpu_seconds', 'counter', 'seconds', 'Seconds the CPUs spent in each mode.');
    for (const [h, host] of spec.hosts.entries()) {
      const hs = entryOf(host).samples;
      if (!hasSamplesIn(hs, from, to)) continue;
      const counters = countersOf(host);
      const n = hs.timesMs.length;
      for (let c = 0; c < host.cpus; c++) {
        for (let m = 0; m < CPU_MODES.length; m++) {
          const base = (c * CPU_MODES.length + m) * n;
          await writeSeries(
            `node_cpu_seconds_total{${labelTexts[h]},cpu="${c}",mode="${CPU_MODES[m]}"} `,
            hs,
            (i) => counters[base + i]!,
            formatCounter
          );
        }
      }
    }
    const gauges: Array<
      [string, string | undefined, string, (host: FleetHost, hs: HostSamples) => (i: number) => number]
    > = [
      ['node_boot_time_seconds', 'seconds', 'Node boot time, in unixtime.', (_h, hs) => (i) => hs.bootSeconds[i]!],
      [
        'node_memory_Active_bytes',
        'bytes',
        'Memory information field Active_bytes.',
        (host, hs) => (i) => memActiveBytesAt(host, hs.timesMs[i]!),
      ],
      [
        'node_memory_MemTotal_bytes',
        'bytes',
        'Memory information field MemTotal_bytes.',
        (host) => () => host.memTotalBytes,
      ],
      ['up', undefined, 'Whether the target was scraped successfully (1 whenever a sample exists).', () => () => 1],
    ];
    for (const [name, unit, help, valueFn] of gauges) {
      await family(name, 'gauge', unit, help);
      for (const [h, host] of spec.hosts.entries()) {
        const hs = entryOf(host).samples;
        await writeSeries(`${name}{${labelTexts[h]}} `, hs, valueFn(host, hs));
      }
    }
    await sink.string('# EOF\n');
    await sink.flush();
    stream.end();
    await once(stream, 'finish');
  };

  try {
    await Promise.race([write(), streamError]);
  } finally {
    if (!stream.writableFinished) stream.destroy();
  }
  return { samples, series, bytes: sink.bytes };
}

function firstIndexFrom(gridIndex: number[], from: number): number {
  let lo = 0;
  let hi = gridIndex.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (gridIndex[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function hasSamplesIn(hs: HostSamples, from: number, to: number): boolean {
  const i = firstIndexFrom(hs.gridIndex, from);
  return i < hs.gridIndex.length && hs.gridIndex[i]! < to;
}
