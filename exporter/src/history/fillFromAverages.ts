// Failed hours estimated from the machine types' averages per workspace-hour (history.fillFromAverages). The hosts
// of such an hour are taken from the nearest measured hour of the same run; the hour is stored as
// `machine_averages`, never as measured, and the next run retries it like a failed hour.
import type { MachineAverage, UsageStore } from '../store/usage/types';
import { HOUR_SECONDS, type HourResult, type UsageRow } from './types';

const measured = (r: HourResult): boolean => (r.status === 'ok' || r.status === 'fallback') && r.rows.length > 0;

/** The measured hour closest in time to h (the earlier one on a tie), if any. */
function nearestMeasured(results: readonly HourResult[], h: number): HourResult | undefined {
  let best: HourResult | undefined;
  for (const r of results) {
    if (!measured(r)) continue;
    const d = Math.abs(r.hourStartSeconds - h);
    if (!best || d < Math.abs(best.hourStartSeconds - h)) best = r;
  }
  return best;
}

/**
 * Rows for hour h from a measured reference hour: per (project, machine type), the total is the type's average per
 * workspace-hour x the workspaces (host rows) seen in the reference; within a level each key keeps its share of the
 * reference's cpu-seconds, so every level adds up to the same total, as measured hours do. Types without an average
 * are left out; undefined when nothing is left.
 */
export function rowsFromAverages(
  reference: readonly UsageRow[],
  h: number,
  averages: ReadonlyMap<string, MachineAverage>
): UsageRow[] | undefined {
  const group = (r: UsageRow): string => JSON.stringify([r.project, r.machine]);
  const workspaces = new Map<string, number>();
  for (const r of reference) if (r.level === 'host') workspaces.set(group(r), (workspaces.get(group(r)) ?? 0) + 1);
  const cpu = (r: UsageRow): number => r.busyCpuSeconds + r.idleCpuSeconds;
  const levelTotals = new Map<string, { cpu: number; rows: number }>();
  for (const r of reference) {
    const k = `${r.level}\u0000${group(r)}`;
    const t = levelTotals.get(k) ?? { cpu: 0, rows: 0 };
    t.cpu += cpu(r);
    t.rows++;
    levelTotals.set(k, t);
  }
  const out: UsageRow[] = [];
  for (const r of reference) {
    const avg = averages.get(r.machine)?.perWorkspaceHour;
    const n = workspaces.get(group(r));
    if (!avg || !n) continue;
    const t = levelTotals.get(`${r.level}\u0000${group(r)}`)!;
    const f = n * (t.cpu > 0 ? cpu(r) / t.cpu : 1 / t.rows);
    const busy = avg.busyCpuSeconds * f;
    out.push({
      level: r.level,
      key: r.key,
      project: r.project,
      machine: r.machine,
      hourStartSeconds: h,
      busyCpuSeconds: busy,
      idleCpuSeconds: avg.idleCpuSeconds * f,
      busyJoules: avg.busyJoules * f,
      idleJoules: avg.idleJoules * f,
      busyGrams: avg.busyGrams * f,
      idleGrams: avg.idleGrams * f,
      fallbackGrams: 0,
      // the same hosts (so vCPUs) as the reference: its runtime scaled with the busy cpu-seconds
      runtimeSeconds:
        r.runtimeSeconds == null ? null : r.busyCpuSeconds > 0 ? (r.runtimeSeconds * busy) / r.busyCpuSeconds : 0,
    });
  }
  return out.length > 0 ? out : undefined;
}

/**
 * The results with each failed hour in `fillable` replaced by a `machine_averages` estimate where a measured hour
 * of the same results and an average for its machine types exist; others stay failed. Pure.
 */
export function fillFailedHours(
  results: readonly HourResult[],
  averages: readonly MachineAverage[],
  fillable: (h: number) => boolean = () => true
): HourResult[] {
  const byMachine = new Map(averages.filter((a) => a.workspaceHours > 0).map((a) => [a.machine, a]));
  return results.map((r) => {
    if (r.status !== 'failed' || !fillable(r.hourStartSeconds)) return r;
    const ref = nearestMeasured(results, r.hourStartSeconds);
    const rows = ref && rowsFromAverages(ref.rows, r.hourStartSeconds, byMachine);
    if (!rows) return r;
    return {
      scope: r.scope,
      hourStartSeconds: r.hourStartSeconds,
      status: 'machine_averages',
      error: `estimated from machine averages: ${r.error ?? 'Prometheus failed'}`.slice(0, 300),
      sumCheckRatio: null,
      rows,
    };
  });
}

/**
 * fillFailedHours with the store's averages when enabled (history.fillFromAverages). An hour already measured in this
 * scope (a forced re-run that failed) keeps its measured rows: a failure never replaces an estimate.
 */
export async function fillFromStore(store: UsageStore, results: HourResult[], enabled: boolean): Promise<HourResult[]> {
  const failed = results.filter((r) => r.status === 'failed').map((r) => r.hourStartSeconds);
  if (!enabled || failed.length === 0 || !results.some(measured)) return results;
  const scope = results[0]!.scope;
  const [averages, statuses] = await Promise.all([
    store.machineAverages(),
    store.hourStatuses([scope, '*'], Math.min(...failed), Math.max(...failed) + HOUR_SECONDS),
  ]);
  const kept = new Set(
    statuses.filter((s) => s.status === 'ok' || s.status === 'fallback').map((s) => s.hourStartSeconds)
  );
  return fillFailedHours(results, averages, (h) => !kept.has(h));
}
