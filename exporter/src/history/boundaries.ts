// Pure: the answers of a chunk's range queries as one table of per-target values at every half-hour boundary, and
// the boundary differences that make half-hour usage. No I/O. Typed columns (NaN = no value) because a chunk holds
// hundreds of targets x hundreds of boundaries and this runs between Prometheus answers.
import type { Series } from '../sources/prometheus';
import { BOOT_METRIC, RECORDED_CPUS, type AnswerKind } from './queries';
import { HALF_HOUR_SECONDS } from './types';
import { BOOT_TOLERANCE_SECONDS, sameBoot } from '../model/counters';

/** One target (job + instance + attribution labels) in one half-hour. */
export interface HalfHourUsage {
  /** the grouped labels of the target */
  labels: Record<string, string>;
  fromSeconds: number;
  busyCpuSeconds: number;
  idleCpuSeconds: number;
  /** steal and any mode that is neither busy nor idle: not energy, but part of the sum-check */
  otherCpuSeconds: number;
  cpus: number | undefined;
  /** mean active memory over the half-hour, when known */
  memoryActiveBytes: number | undefined;
  /** boundary difference (true) or recomputed from raw samples (false) */
  regular: boolean;
}

/** A target-half-hour whose boundary values cannot be differenced: redo it from raw samples. */
export interface Irregular {
  labels: Record<string, string>;
  fromSeconds: number;
  cpus: number | undefined;
  memoryActiveBytes: number | undefined;
}

const BUSY = 0;
const IDLE = 1;
const OTHER = 2;
const BOOT = 3;
const MEM = 4;
const CPUS = 5;
const COLUMNS = 6;
const STATE_COLUMN: Record<string, number> = { busy: BUSY, idle: IDLE, other: OTHER };
/**
 * A boundary difference more than this share over CPUs x 1,800 s is not scrape timing: a CPU that came back adds its
 * whole counter to the sum, a duplicated series doubles it. Such half-hours are recounted from raw samples.
 */
const OVER_LIMIT_SLACK = 0.02;

/** The most a half-hour can hold is CPUs x 1,800 cpu-seconds (all modes): more is scaled down to it, split kept. */
export function clampToCpus(u: HalfHourUsage): { usage: HalfHourUsage; clamped: boolean } {
  const total = u.busyCpuSeconds + u.idleCpuSeconds + u.otherCpuSeconds;
  const limit = (u.cpus ?? 0) * HALF_HOUR_SECONDS;
  if (!(limit > 0) || total <= limit) return { usage: u, clamped: false };
  const k = limit / total;
  return {
    usage: {
      ...u,
      busyCpuSeconds: u.busyCpuSeconds * k,
      idleCpuSeconds: u.idleCpuSeconds * k,
      otherCpuSeconds: u.otherCpuSeconds * k,
    },
    clamped: true,
  };
}

/** The labels of `metric` among `names` that are set (what `sum by (names)` keeps), and a key for them. */
export function pickTarget(
  metric: Record<string, string>,
  names: readonly string[]
): { key: string; labels: Record<string, string> } {
  const labels: Record<string, string> = {};
  let key = '';
  for (const n of names) {
    const v = metric[n];
    if (v !== undefined && v !== '') {
      labels[n] = v;
      key += `${n}\u0000${v}\u0001`;
    } else key += '\u0001';
  }
  return { key, labels };
}

/**
 * Per target of a series-call answer: distinct CPUs of its idle series and its labels; and whether the recording
 * rules' CPU count exists (then the recorded path is tried, and its answers show where it covers).
 */
export function countCpus(
  labelSets: ReadonlyArray<Record<string, string>>,
  names: readonly string[]
): {
  cpus: Map<string, number>;
  labels: Map<string, Record<string, string>>;
  recorded: boolean;
} {
  const ids = new Map<string, Set<string>>();
  const labels = new Map<string, Record<string, string>>();
  let recorded = false;
  for (const m of labelSets) {
    if (m.__name__ === RECORDED_CPUS) {
      recorded = true;
      continue;
    }
    const t = pickTarget(m, names);
    let set = ids.get(t.key);
    if (!set) {
      ids.set(t.key, (set = new Set()));
      labels.set(t.key, t.labels);
    }
    set.add(m.cpu ?? '');
  }
  return { cpus: new Map([...ids].map(([k, s]) => [k, s.size])), labels, recorded };
}

/**
 * The CPUs of a half-hour from the counts at its two boundaries: the larger (a CPU that goes offline or comes back,
 * two boots sharing it: the recount's CPUs x 1,800 s bound must not cut real use), except when a boot starts on its
 * closing boundary (a resize reboots the VM): that count is the next boot's, and this half-hour is the one before.
 */
function halfHourCpus(atStart: number, atEnd: number, bootsOnEnd: boolean): number | undefined {
  if (Number.isNaN(atStart)) return Number.isNaN(atEnd) ? undefined : atEnd;
  return bootsOnEnd || Number.isNaN(atEnd) ? atStart : Math.max(atStart, atEnd);
}

interface Target {
  labels: Record<string, string>;
  columns: Float64Array[];
}

export class BoundaryTable {
  /** boundaries: start, start + 1800, ..., end */
  readonly size: number;
  private readonly targets = new Map<string, Target>();

  constructor(
    readonly startSeconds: number,
    readonly endSeconds: number,
    readonly names: readonly string[]
  ) {
    this.size = Math.floor((endSeconds - startSeconds) / HALF_HOUR_SECONDS) + 1;
  }

  private target(metric: Record<string, string>): Target {
    const { key, labels } = pickTarget(metric, this.names);
    let t = this.targets.get(key);
    if (!t) {
      t = { labels, columns: Array.from({ length: COLUMNS }, () => new Float64Array(this.size).fill(NaN)) };
      this.targets.set(key, t);
    }
    return t;
  }

  private put(column: Float64Array, values: ReadonlyArray<[number, number]>, max: boolean): void {
    for (const [ts, v] of values) {
      if (!Number.isFinite(v)) continue;
      const i = Math.round((ts - this.startSeconds) / HALF_HOUR_SECONDS);
      if (i < 0 || i >= this.size) continue;
      const old = column[i]!;
      column[i] = Number.isNaN(old) ? v : max ? Math.max(old, v) : old + v;
    }
  }

  /**
   * Adds the series of one answer. busy/idle/other/cpus: per-target sums; targets: boot time (max; the series keeps
   * its name) or mean active memory (sum); recorded: the rules' state sums (by their "state" label) and CPU counts.
   */
  add(kind: AnswerKind, series: readonly Series[]): void {
    for (const s of series) {
      let column: number;
      if (kind === 'targets') column = s.metric.__name__ === BOOT_METRIC ? BOOT : MEM;
      else if (kind === 'recorded')
        column = s.metric.__name__ === RECORDED_CPUS ? CPUS : (STATE_COLUMN[s.metric.state ?? ''] ?? -1);
      else if (kind === 'cpus') column = CPUS;
      else column = STATE_COLUMN[kind]!;
      if (column < 0) continue;
      this.put(this.target(s.metric).columns[column]!, s.values, column === BOOT);
    }
  }

  /** One target's values at every boundary (NaN: none) for a state or the CPU count, summed as add() sums series. */
  addColumn(kind: 'busy' | 'idle' | 'other' | 'cpus', metric: Record<string, string>, values: Float64Array): void {
    if (values.length !== this.size) throw new RangeError(`${values.length} values for ${this.size} boundaries`);
    const column = this.target(metric).columns[kind === 'cpus' ? CPUS : STATE_COLUMN[kind]!]!;
    for (let i = 0; i < this.size; i++) {
      const v = values[i]!;
      if (Number.isNaN(v)) continue;
      const old = column[i]!;
      column[i] = Number.isNaN(old) ? v : old + v;
    }
  }

  /** Whether the target has a busy, idle or other value at any boundary (else it lived only between boundaries). */
  hasCounters(key: string): boolean {
    const t = this.targets.get(key);
    return t !== undefined && [BUSY, IDLE, OTHER].some((c) => t.columns[c]!.some((v) => !Number.isNaN(v)));
  }

  /** Mean active memory of the half-hour ending at boundary `seconds`, when known. */
  memoryAt(key: string, seconds: number): number | undefined {
    const v = this.targets.get(key)?.columns[MEM]![Math.round((seconds - this.startSeconds) / HALF_HOUR_SECONDS)];
    return v === undefined || Number.isNaN(v) ? undefined : v;
  }

  /** Whether every boundary where a target has a boot time also has its busy, idle and CPU values (recorded path). */
  covered(): boolean {
    for (const t of this.targets.values()) {
      const [busy, idle, , boot, , cpus] = t.columns as [
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
      ];
      for (let i = 0; i < this.size; i++) {
        if (!Number.isNaN(boot[i]!) && (Number.isNaN(busy[i]!) || Number.isNaN(idle[i]!) || Number.isNaN(cpus[i]!)))
          return false;
      }
    }
    return true;
  }

  /**
   * A target-half-hour is regular when busy, idle and other are present at both ends, none went down, the boot
   * time did not change and the total fits the CPUs (within scrape timing): its usage is the difference. Otherwise it is irregular (if seen at either end). A target
   * with no "other" value at all (no steal series, e.g. not Linux) has 0 there, not a missing value.
   */
  difference(): { usage: HalfHourUsage[]; irregular: Irregular[] } {
    const usage: HalfHourUsage[] = [];
    const irregular: Irregular[] = [];
    for (const t of this.targets.values()) {
      const [busy, idle, otherRaw, boot, mem, cpuCol] = t.columns as [
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
      ];
      const other =
        otherRaw.some((v) => !Number.isNaN(v)) || !busy.some((v) => !Number.isNaN(v))
          ? otherRaw
          : new Float64Array(this.size);
      for (let i = 0; i + 1 < this.size; i++) {
        const j = i + 1;
        const complete0 = !Number.isNaN(busy[i]!) && !Number.isNaN(idle[i]!) && !Number.isNaN(other[i]!);
        const complete1 = !Number.isNaN(busy[j]!) && !Number.isNaN(idle[j]!) && !Number.isNaN(other[j]!);
        const seen0 = !Number.isNaN(busy[i]!) || !Number.isNaN(idle[i]!) || !Number.isNaN(otherRaw[i]!);
        const seen1 = !Number.isNaN(busy[j]!) || !Number.isNaN(idle[j]!) || !Number.isNaN(otherRaw[j]!);
        if (!seen0 && !seen1) continue;
        const m = Number.isNaN(mem[j]!) ? undefined : mem[j]!;
        const b0 = boot[i]!;
        const b1 = boot[j]!;
        const bootSame =
          Number.isNaN(b0) || Number.isNaN(b1) ? Number.isNaN(b0) === Number.isNaN(b1) : sameBoot(b0, b1);
        const fromSeconds = this.startSeconds + i * HALF_HOUR_SECONDS;
        const endSeconds = fromSeconds + HALF_HOUR_SECONDS;
        const bootsOnEnd = !bootSame && !Number.isNaN(b1) && b1 >= endSeconds - BOOT_TOLERANCE_SECONDS;
        const c = halfHourCpus(cpuCol[i]!, cpuCol[j]!, bootsOnEnd);
        const total = busy[j]! - busy[i]! + idle[j]! - idle[i]! + other[j]! - other[i]!;
        const plausible = c === undefined || total <= c * HALF_HOUR_SECONDS * (1 + OVER_LIMIT_SLACK);
        if (
          complete0 &&
          complete1 &&
          bootSame &&
          plausible &&
          busy[j]! >= busy[i]! &&
          idle[j]! >= idle[i]! &&
          other[j]! >= other[i]!
        ) {
          // within the slack: scrape timing, trimmed to the half-hour's capacity
          usage.push(
            clampToCpus({
              labels: t.labels,
              fromSeconds,
              cpus: c,
              memoryActiveBytes: m,
              regular: true,
              busyCpuSeconds: busy[j]! - busy[i]!,
              idleCpuSeconds: idle[j]! - idle[i]!,
              otherCpuSeconds: other[j]! - other[i]!,
            }).usage
          );
        } else {
          irregular.push({ labels: t.labels, fromSeconds, cpus: c, memoryActiveBytes: m });
        }
      }
    }
    return { usage, irregular };
  }
}
