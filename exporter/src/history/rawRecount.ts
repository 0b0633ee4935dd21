// Raw recounts: where the boundary table cannot give a target's use (it lived only between boundaries, or rebooted,
// gapped or came and went within a half-hour), its raw CPU samples are read and counted instead.
import type { LimitFunction } from 'p-limit';
import type { Config } from '../config';
import type { PrometheusClient } from '../sources/prometheus';
import type { BoundaryTable, HalfHourUsage, Irregular } from './boundaries';
import { usageFromRaw } from './estimate';
import { groupLabels, rawCpuQuery, targetCpuQuery } from './queries';
import { HALF_HOUR_SECONDS, HOUR_SECONDS } from './types';

/** Counter drops within one boot that re-baselined, and target-half-hours clamped to CPUs x 1,800 s. */
export interface RawAnomalyCounts {
  counterDrops: number;
  halfHoursClamped: number;
}
export const noAnomalies = (): RawAnomalyCounts => ({ counterDrops: 0, halfHoursClamped: 0 });

export interface RecountDeps {
  config: Config;
  prometheus: PrometheusClient;
  /** the run's request limiter */
  limit: LimitFunction;
}

/** One raw-sample request for a target that lived only between boundaries: its usage per half-hour it has samples in. */
export async function betweenBoundaries(
  deps: RecountDeps,
  table: BoundaryTable,
  key: string,
  labels: Record<string, string>,
  project?: string
): Promise<HalfHourUsage[]> {
  const { config, prometheus } = deps;
  const { startSeconds: a, endSeconds: b } = table;
  const raw = await deps.limit(() =>
    prometheus.instantMatrixQuery(targetCpuQuery(config, labels, b - a + 300, project), b)
  );
  const names = groupLabels(config.labels);
  const out: HalfHourUsage[] = [];
  for (let t0 = a; t0 < b; t0 += HALF_HOUR_SECONDS) {
    const t1 = t0 + HALF_HOUR_SECONDS;
    if (!raw.some((s) => s.values.some(([ts]) => ts > t0 && ts <= t1))) continue;
    // CPUs from its own idle series in the answer (the series call may know CPUs of other times of the day)
    const item = { labels, fromSeconds: t0, cpus: undefined, memoryActiveBytes: table.memoryAt(key, t1) };
    const u = usageFromRaw(raw, item, names);
    if (u) out.push(u);
  }
  return out;
}

/** One raw-sample request per half-hour that has irregular targets (reboots, gaps, hosts coming and going). */
export async function resolveIrregular(
  deps: RecountDeps,
  irregular: Irregular[],
  usage: HalfHourUsage[],
  failed: Map<number, unknown>,
  anomalies: RawAnomalyCounts,
  project?: string
): Promise<void> {
  const { config, prometheus } = deps;
  const names = groupLabels(config.labels);
  const byTime = new Map<number, Irregular[]>();
  for (const it of irregular) byTime.set(it.fromSeconds, [...(byTime.get(it.fromSeconds) ?? []), it]);
  for (const [t0, items] of byTime) {
    const instances = [...new Set(items.map((i) => i.labels.instance ?? ''))];
    try {
      const raw = await prometheus.instantMatrixQuery(
        rawCpuQuery(config, instances, HALF_HOUR_SECONDS + 300, project),
        t0 + HALF_HOUR_SECONDS
      );
      for (const it of items) {
        const u = usageFromRaw(raw, it, names);
        if (!u) continue;
        const { counterDrops, clamped, ...row } = u;
        anomalies.counterDrops += counterDrops;
        if (clamped) anomalies.halfHoursClamped++;
        usage.push(row);
      }
    } catch (err) {
      failed.set(t0 - (t0 % HOUR_SECONDS), err);
    }
  }
}
