/**
 * A synthetic Ada fleet (spec types, generator of realistic fleets) and the truth about it: what PromQL must answer.
 * All values come from fleetModel.ts, the same arithmetic the OpenMetrics writer uses.
 */
import {
  CPU_MODES,
  LOOKBACK_SECONDS,
  hostCpuCounters,
  hostSamples,
  memActiveBytesAt,
  modeIndex,
  seenSampleIndex,
  type FleetHost,
  type FleetSpec,
  type HostSamples,
} from './fleetModel';

export type { FleetHost, FleetSpec, HostSamples, CpuMode } from './fleetModel';
export { CPU_MODES, DEFAULT_JOB, LOOKBACK_SECONDS, QUANTA_PER_SECOND } from './fleetModel';
export { adaFleet, type AdaFleetOptions } from './adaFleet';

export type FleetMetric = 'cpu' | 'boot' | 'memActive' | 'memTotal' | 'up';

export interface FleetTruth {
  /**
   * What an instant query at `tSeconds` returns for this host: the last sample at or before t no older than the
   * lookback (5 min), or undefined. 'cpu' is node_cpu_seconds_total summed over CPUs for `mode`.
   */
  sampleAt(host: FleetHost, metric: FleetMetric, tSeconds: number, mode?: string): number | undefined;
  /**
   * cpu-seconds in `modes` between the sample seen at t0 and the last sample at or before t1, as increase-free PromQL
   * arithmetic gets it: per series (CPU x mode), the sum over consecutive samples of (v1 - v0), or v1 where the
   * counter went down (a reset counts from 0); then summed. If no sample is seen at t0 (host not yet up, or in a gap
   * longer than the lookback) the baseline is the first sample after t0, which contributes nothing.
   */
  cpuSecondsBetween(host: FleetHost, t0Seconds: number, t1Seconds: number, modes: readonly string[]): number;
  /** The host's samples (timestamps, boot time at each) and counters, as generated. */
  series(host: FleetHost): { samples: HostSamples; counters: Float64Array };
}

export function fleetTruth(spec: FleetSpec): FleetTruth {
  const cache = new Map<FleetHost, { samples: HostSamples; counters?: Float64Array }>();
  const samplesOf = (host: FleetHost): { samples: HostSamples; counters?: Float64Array } => {
    let entry = cache.get(host);
    if (!entry) {
      entry = { samples: hostSamples(spec, host) };
      cache.set(host, entry);
    }
    return entry;
  };
  const seriesOf = (host: FleetHost): { samples: HostSamples; counters: Float64Array } => {
    const entry = samplesOf(host);
    entry.counters ??= hostCpuCounters(spec, host, entry.samples);
    return { samples: entry.samples, counters: entry.counters };
  };

  const sampleAt = (host: FleetHost, metric: FleetMetric, tSeconds: number, mode?: string): number | undefined => {
    const { samples } = samplesOf(host);
    const i = seenSampleIndex(samples.timesMs, Math.round(tSeconds * 1000), LOOKBACK_SECONDS * 1000);
    if (i < 0) return undefined;
    switch (metric) {
      case 'up':
        return 1;
      case 'boot':
        return samples.bootSeconds[i];
      case 'memTotal':
        return host.memTotalBytes;
      case 'memActive':
        return memActiveBytesAt(host, samples.timesMs[i]!);
      case 'cpu': {
        if (mode === undefined) throw new Error("sampleAt(…, 'cpu', t, mode): mode is required");
        const m = modeIndex(mode);
        const { counters } = seriesOf(host);
        const n = samples.timesMs.length;
        let sum = 0;
        for (let c = 0; c < host.cpus; c++) sum += counters[(c * CPU_MODES.length + m) * n + i]!;
        return sum;
      }
      default:
        throw new Error(`sampleAt: unknown metric ${String(metric)}`);
    }
  };

  const cpuSecondsBetween = (
    host: FleetHost,
    t0Seconds: number,
    t1Seconds: number,
    modes: readonly string[]
  ): number => {
    const { samples, counters } = seriesOf(host);
    const times = samples.timesMs;
    const n = times.length;
    const t0Ms = Math.round(t0Seconds * 1000);
    let i0 = seenSampleIndex(times, t0Ms, LOOKBACK_SECONDS * 1000);
    if (i0 < 0) {
      i0 = times.findIndex((t) => t > t0Ms);
      if (i0 < 0) return 0;
    }
    const i1 = seenSampleIndex(times, Math.round(t1Seconds * 1000), Infinity);
    if (i1 <= i0) return 0;
    let total = 0;
    for (const mode of modes) {
      const m = modeIndex(mode);
      for (let c = 0; c < host.cpus; c++) {
        const base = (c * CPU_MODES.length + m) * n;
        for (let j = i0 + 1; j <= i1; j++) {
          const prev = counters[base + j - 1]!;
          const cur = counters[base + j]!;
          total += cur >= prev ? cur - prev : cur;
        }
      }
    }
    return total;
  };

  return { sampleAt, cpuSecondsBetween, series: seriesOf };
}
