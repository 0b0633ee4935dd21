// Pure: the raw path's four answers (busy, idle and other sums, and the CPU count, per target at every half-hour
// boundary) from the stored samples of node_cpu_seconds_total, as the PromQL range queries compute them: a series'
// value at boundary t is its last sample in the lookback window before t (closed on the left before Prometheus 3,
// open from 3 on), none when that sample is a stale marker; a group's sum or count exists where a member has a value.
// Remote read hands over each series once, so every stored sample is decoded once and nothing is evaluated per step.
import { modeState } from '../model/modes';
import type { Series } from '../sources/prometheus';
import type { Chunk } from '../sources/prometheus/remoteRead/wire';
import { XOR_ENCODING } from '../sources/prometheus/remoteRead/wire';
import { ChunkFormatError, decodeXorChunk, isStale, xorFloat } from '../sources/prometheus/remoteRead/xor';
import type { Steps } from '../tracking/slices';
import { pickTarget, type BoundaryTable } from './boundaries';
import { HALF_HOUR_SECONDS } from './types';

/** Prometheus' default --query.lookback-delta */
export const LOOKBACK_SECONDS = 300;

export interface StateAnswers {
  busy: Series[];
  idle: Series[];
  other: Series[];
  cpus: Series[];
}

const KINDS = ['busy', 'idle', 'other', 'cpus'] as const;

interface Group {
  labels: Record<string, string>;
  columns: Record<(typeof KINDS)[number], Float64Array>;
}

/** Where one series is in its samples: it may arrive in several pieces (frames), consecutively. */
interface Cursor {
  key: string;
  group: Group;
  column: Float64Array;
  countsCpu: boolean;
  /** next boundary to settle */
  k: number;
  lastMs: number;
  /** the last sample's value bits, made a float only where a boundary takes it */
  lastHi: number;
  lastLo: number;
}

export class BoundarySums {
  readonly size: number;
  private readonly groups = new Map<string, Group>();
  private cursor?: Cursor;
  private readonly startMs: number;
  private readonly lookbackMs = LOOKBACK_SECONDS * 1000;
  /** read once: in hot loops an imported constant can cost a getter call per use (transpiled ESM interop) */
  private readonly stepMs = HALF_HOUR_SECONDS * 1000;
  samples = 0;

  constructor(
    readonly startSeconds: number,
    readonly endSeconds: number,
    readonly names: readonly string[],
    /** Prometheus 3 and later: a sample exactly a lookback before the boundary is out */
    private readonly lookbackOpen = false
  ) {
    this.size = Math.floor((endSeconds - startSeconds) / HALF_HOUR_SECONDS) + 1;
    this.startMs = startSeconds * 1000;
  }

  /** Adds one series (or the next piece of the one added last, same labels) with its chunks in time order. */
  add(labels: Record<string, string>, chunks: readonly Chunk[]): void {
    const key = seriesKey(labels);
    let c = this.cursor;
    if (!c || c.key !== key) {
      if (c) this.settle(c, Infinity);
      c = this.cursor = this.open(key, labels);
    }
    const first = this.startMs - this.lookbackMs;
    const last = this.startMs + (this.size - 1) * this.stepMs;
    const cur = c;
    for (const chunk of chunks) {
      if (chunk.maxMs < first || chunk.minMs > last) continue;
      if (chunk.encoding !== XOR_ENCODING)
        throw new ChunkFormatError(
          `encoding ${chunk.encoding} in a float series (${JSON.stringify(labels)}), XOR (1) expected`
        );
      this.samples += decodeXorChunk(chunk.data, (ms, hi, lo) => {
        if (ms <= cur.lastMs) return; // overlapping chunks: each sample once
        if (cur.k < this.size && this.boundaryMs(cur.k) < ms) this.settle(cur, ms);
        cur.lastMs = ms;
        cur.lastHi = hi;
        cur.lastLo = lo;
      });
    }
  }

  /** The four answers, shaped as the range queries' (one series per target, [seconds, value] where there is one). */
  answers(): StateAnswers {
    if (this.cursor) this.settle(this.cursor, Infinity);
    this.cursor = undefined;
    const out: StateAnswers = { busy: [], idle: [], other: [], cpus: [] };
    for (const g of this.groups.values()) {
      for (const kind of KINDS) {
        const col = g.columns[kind];
        const values: Array<[number, number]> = [];
        for (let i = 0; i < this.size; i++)
          if (!Number.isNaN(col[i]!)) values.push([this.startSeconds + i * HALF_HOUR_SECONDS, col[i]!]);
        if (values.length > 0) out[kind].push({ metric: g.labels, values });
      }
    }
    return out;
  }

  /** Puts every target's four columns into the table (their labels are the table's target labels already). */
  *fillSteps(table: BoundaryTable): Steps<void> {
    if (this.cursor) this.settle(this.cursor, Infinity);
    this.cursor = undefined;
    let n = 0;
    for (const g of this.groups.values()) {
      for (const kind of KINDS) table.addColumn(kind, g.labels, g.columns[kind]);
      if (++n % 64 === 0) yield;
    }
  }

  private boundaryMs(k: number): number {
    return this.startMs + k * this.stepMs;
  }

  private open(key: string, labels: Record<string, string>): Cursor {
    const target = pickTarget(labels, this.names);
    let group = this.groups.get(target.key);
    if (!group) {
      const col = (): Float64Array => new Float64Array(this.size).fill(NaN);
      group = { labels: target.labels, columns: { busy: col(), idle: col(), other: col(), cpus: col() } };
      this.groups.set(target.key, group);
    }
    const mode = labels.mode ?? '';
    const state = modeState(mode) ?? 'other';
    return {
      key,
      group,
      column: group.columns[state],
      countsCpu: mode === 'idle',
      k: 0,
      lastMs: -Infinity,
      lastHi: 0,
      lastLo: 0,
    };
  }

  /** Gives every boundary before `beforeMs` the series' last sample, where it is within the lookback. */
  private settle(c: Cursor, beforeMs: number): void {
    while (c.k < this.size) {
      const t = this.boundaryMs(c.k);
      if (t >= beforeMs) return;
      const age = t - c.lastMs;
      const inWindow = this.lookbackOpen ? age < this.lookbackMs : age <= this.lookbackMs;
      if (!inWindow && beforeMs === Infinity) {
        // past the last sample's window: no later boundary can have a value from it
        if (age > 0) return;
      }
      if (inWindow && age >= 0 && !isStale(c.lastHi, c.lastLo)) {
        const col = c.column;
        const v = xorFloat(c.lastHi, c.lastLo);
        col[c.k] = Number.isNaN(col[c.k]!) ? v : col[c.k]! + v;
        if (c.countsCpu) {
          const cpus = c.group.columns.cpus;
          cpus[c.k] = Number.isNaN(cpus[c.k]!) ? 1 : cpus[c.k]! + 1;
        }
      }
      c.k++;
    }
  }
}

/** A series' identity: its label pairs, in the sorted order remote read sends them. */
function seriesKey(labels: Record<string, string>): string {
  let key = '';
  for (const [k, v] of Object.entries(labels)) key += `${k}\u0000${v}\u0001`;
  return key;
}
