/**
 * The arithmetic of a synthetic fleet: which samples exist and what they hold. Both the OpenMetrics writer and the
 * truth functions read values from here, so the expected numbers in tests cannot drift from the generated data.
 * Pure: no I/O.
 */

export const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
export type CpuMode = (typeof CPU_MODES)[number];
const MODE_COUNT = CPU_MODES.length;
const IDLE_INDEX = CPU_MODES.indexOf('idle');

/** Prometheus' default lookback delta. */
export const LOOKBACK_SECONDS = 300;
export const DEFAULT_JOB = 'node';

/**
 * Counters are whole multiples of 1/1024 s: every sum of them (over CPUs, modes, samples) is then exact in float64
 * in any order, so PromQL's sum() equals the truth bit for bit.
 */
export const QUANTA_PER_SECOND = 1024;

/** Per-CPU scale of the busy shares, so CPUs of one host differ a little (deterministically). */
const CPU_BUSY_FACTORS = [1, 0.9, 1.1, 0.95, 1.05, 0.85, 1.15, 1];

export interface FleetHost {
  /** e.g. "host-172-16-100-5.nubes.example:9100" */
  instance: string;
  /** Target labels: cloud_project_name, machine_name, host, (optional) user, anything. */
  labels: Record<string, string>;
  cpus: number;
  /** Share of each CPU-second spent in each node_exporter mode; sums to 1; may depend on time. */
  modeShares: Record<string, number> | ((tSeconds: number) => Record<string, number>);
  memTotalBytes: number;
  memActiveBytes: number | ((tSeconds: number) => number);
  /** First boot; samples exist only from here (or from fleet start if later). */
  bootTimeSeconds: number;
  /** Unix seconds: counters restart at 0, node_boot_time_seconds changes. */
  reboots?: number[];
  /** [from, to) with no samples at all (scrape gap / host unreachable). The counters keep running. */
  gaps?: Array<[number, number]>;
  /** Host deleted: no samples after this. */
  endSeconds?: number;
}

export interface FleetSpec {
  startSeconds: number;
  endSeconds: number;
  stepSeconds: number;
  hosts: FleetHost[];
  /** `job` label of every series; "node" by default. */
  job?: string;
}

export interface HostSamples {
  /** Sample timestamps in ms, ascending: grid points start + k*step inside the host's life and outside its gaps. */
  timesMs: number[];
  /** Index of each sample on the fleet grid (for shared timestamp strings). */
  gridIndex: number[];
  /** node_boot_time_seconds at each sample. */
  bootSeconds: number[];
}

const toMs = (seconds: number): number => Math.round(seconds * 1000);

export interface Grid {
  startMs: number;
  stepMs: number;
  /** Number of grid points: start, start+step, ..., last <= end. */
  count: number;
}

export function fleetGrid(spec: FleetSpec): Grid {
  const startMs = toMs(spec.startSeconds);
  const stepMs = toMs(spec.stepSeconds);
  const endMs = toMs(spec.endSeconds);
  if (!(stepMs > 0)) throw new Error(`fleet: stepSeconds must be at least 1 ms, got ${spec.stepSeconds}`);
  if (endMs < startMs) throw new Error('fleet: endSeconds is before startSeconds');
  return { startMs, stepMs, count: Math.floor((endMs - startMs) / stepMs) + 1 };
}

/** Boot instants in ms: the first boot, then the reboots after it, ascending. */
function bootsMs(host: FleetHost): number[] {
  const first = toMs(host.bootTimeSeconds);
  const rest = (host.reboots ?? []).map(toMs).filter((r) => r > first);
  return [first, ...rest.sort((a, b) => a - b)];
}

/** The boot time (seconds, as given) in force at `tMs`. */
function bootSecondsAt(host: FleetHost, tMs: number): number {
  let boot = host.bootTimeSeconds;
  for (const r of host.reboots ?? []) if (toMs(r) <= tMs && r > boot) boot = r;
  return boot;
}

export function hostSamples(spec: FleetSpec, host: FleetHost): HostSamples {
  const grid = fleetGrid(spec);
  const firstMs = Math.max(grid.startMs, toMs(host.bootTimeSeconds));
  const lastMs = Math.min(
    grid.startMs + (grid.count - 1) * grid.stepMs,
    host.endSeconds === undefined ? Infinity : toMs(host.endSeconds)
  );
  const gaps = (host.gaps ?? []).map(([a, b]) => [toMs(a), toMs(b)] as const);
  const out: HostSamples = { timesMs: [], gridIndex: [], bootSeconds: [] };
  const kFirst = Math.max(0, Math.ceil((firstMs - grid.startMs) / grid.stepMs));
  for (let k = kFirst; k < grid.count; k++) {
    const t = grid.startMs + k * grid.stepMs;
    if (t > lastMs) break;
    if (gaps.some(([a, b]) => t >= a && t < b)) continue;
    out.timesMs.push(t);
    out.gridIndex.push(k);
    out.bootSeconds.push(bootSecondsAt(host, t));
  }
  return out;
}

function sharesVector(host: FleetHost, raw: Record<string, number>, tSeconds: number): Float64Array {
  const v = new Float64Array(MODE_COUNT);
  let sum = 0;
  for (const [mode, share] of Object.entries(raw)) {
    const i = CPU_MODES.indexOf(mode as CpuMode);
    if (i < 0)
      throw new Error(`fleet host ${host.instance}: unknown CPU mode "${mode}" (known: ${CPU_MODES.join(', ')})`);
    if (!Number.isFinite(share) || share < 0)
      throw new Error(`fleet host ${host.instance}: share of ${mode} is ${share}`);
    v[i] = share;
    sum += share;
  }
  if (Math.abs(sum - 1) > 1e-6) {
    throw new Error(`fleet host ${host.instance}: mode shares at t=${tSeconds} sum to ${sum}, not 1`);
  }
  return v;
}

/**
 * Cumulative cpu-seconds since the last boot for each sample of `samples`, per CPU and mode:
 * `counters[(cpu * CPU_MODES.length + modeIndex) * n + sampleIndex]` with n = samples.timesMs.length.
 *
 * Time runs in cells between consecutive events (boot, reboot, grid point); a cell [a, b) adds, per mode, its length
 * times the share at a (busy modes scaled by the CPU's factor), rounded to whole quanta; idle takes the rest of the
 * cell so that all modes of a CPU add up to the elapsed time. A host booted before the fleet start has one cell from
 * its boot to the first grid point. Counters keep running through gaps (the VM is up, only scrapes are missing).
 */
export function hostCpuCounters(spec: FleetSpec, host: FleetHost, samples: HostSamples): Float64Array {
  const grid = fleetGrid(spec);
  const n = samples.timesMs.length;
  const { cpus } = host;
  const counters = new Float64Array(cpus * MODE_COUNT * n);
  if (n === 0) return counters;
  const acc = new Float64Array(cpus * MODE_COUNT); // in quanta (integers)
  const staticShares =
    typeof host.modeShares === 'function' ? undefined : sharesVector(host, host.modeShares, host.bootTimeSeconds);
  const fn = typeof host.modeShares === 'function' ? host.modeShares : undefined;

  const advance = (fromMs: number, toMs_: number): void => {
    if (toMs_ <= fromMs) return;
    const shares = staticShares ?? sharesVector(host, fn!(fromMs / 1000), fromMs / 1000);
    const lenQ = Math.round(((toMs_ - fromMs) * QUANTA_PER_SECOND) / 1000);
    let busyShare = 0;
    for (let m = 0; m < MODE_COUNT; m++) if (m !== IDLE_INDEX) busyShare += shares[m]!;
    for (let c = 0; c < cpus; c++) {
      let factor = CPU_BUSY_FACTORS[c % CPU_BUSY_FACTORS.length]!;
      if (busyShare * factor > 1) factor = 1 / busyShare;
      const base = c * MODE_COUNT;
      let busyQ = 0;
      for (let m = 0; m < MODE_COUNT; m++) {
        if (m === IDLE_INDEX) continue;
        const q = Math.round(lenQ * shares[m]! * factor);
        acc[base + m]! += q;
        busyQ += q;
      }
      acc[base + IDLE_INDEX]! += Math.max(0, lenQ - busyQ);
    }
  };

  const boots = bootsMs(host);
  let cursor = boots[0]!;
  let nextBoot = 1;
  let s = 0;
  const lastMs = samples.timesMs[n - 1]!;
  const kFirst = Math.max(0, Math.ceil((cursor - grid.startMs) / grid.stepMs));
  for (let k = kFirst; k < grid.count; k++) {
    const t = grid.startMs + k * grid.stepMs;
    if (t > lastMs) break;
    while (nextBoot < boots.length && boots[nextBoot]! <= t) {
      advance(cursor, boots[nextBoot]!);
      acc.fill(0);
      cursor = boots[nextBoot]!;
      nextBoot++;
    }
    advance(cursor, t);
    cursor = t;
    if (samples.timesMs[s] === t) {
      for (let j = 0; j < acc.length; j++) counters[j * n + s] = acc[j]! / QUANTA_PER_SECOND;
      s++;
    }
  }
  return counters;
}

export function memActiveBytesAt(host: FleetHost, tMs: number): number {
  return typeof host.memActiveBytes === 'function' ? host.memActiveBytes(tMs / 1000) : host.memActiveBytes;
}

/** Index of the sample an instant query at `tMs` sees (last at or before t, at most the lookback old), or -1. */
export function seenSampleIndex(timesMs: number[], tMs: number, lookbackMs = LOOKBACK_SECONDS * 1000): number {
  let lo = 0;
  let hi = timesMs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (timesMs[mid]! <= tMs) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // Prometheus 2.x includes a sample exactly lookback old (3.x excludes it).
  if (found >= 0 && timesMs[found]! < tMs - lookbackMs) return -1;
  return found;
}

export function modeIndex(mode: string): number {
  const i = CPU_MODES.indexOf(mode as CpuMode);
  if (i < 0) throw new Error(`unknown CPU mode "${mode}" (known: ${CPU_MODES.join(', ')})`);
  return i;
}
