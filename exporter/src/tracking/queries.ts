import { modeRegex } from '../model/modes';
import { matchers, promString, reExact } from '../sources/prometheus/promql';

/** Set on the scrape-time series of the `up` answer, so that `or` keeps it beside the up value of the same target. */
export const SCRAPE_TIME_TAG = 'ada_carbon_series';

/**
 * The tracking cycle's queries: a fixed set whatever the number of hosts, each aggregated by target server-side so
 * the answer has one or two series per host instead of one per CPU and mode.
 */
export function trackingQueries(selector: string) {
  const busy = matchers(selector, `mode=~"${modeRegex('busy')}"`);
  const idle = matchers(selector, `mode=~"${modeRegex('idle')}"`);
  const up = `up${matchers(selector)}`;
  return {
    /** target labels (project, machine, host, ...) and the boot instant */
    boot: `node_boot_time_seconds${matchers(selector)}`,
    /** up, and the time of the scrape the counters come from: cpu-seconds are bounded by CPUs x that span */
    up: `${up} or label_replace(timestamp(${up}), "${SCRAPE_TIME_TAG}", "scrape_time", "", "")`,
    cpuSeconds:
      `sum by (job, instance, state) (label_replace(node_cpu_seconds_total${busy}, "state", "busy", "", "")` +
      ` or label_replace(node_cpu_seconds_total${idle}, "state", "idle", "", ""))`,
    /** distinct CPUs: a duplicated series must not raise the count (and with it the physical limit) */
    cpus: `count by (job, instance) (count by (job, instance, cpu) (node_cpu_seconds_total${matchers(selector, 'mode="idle"')}))`,
    memoryActive: `sum by (job, instance) (node_memory_Active_bytes${matchers(selector)})`,
  } as const;
}

export type TrackingQueryName = keyof ReturnType<typeof trackingQueries>;

/** Targets whose summed counters cannot be differenced, grouped by the instant of their last reading. */
export interface DetailGroup {
  atSeconds: number;
  targets: ReadonlyArray<{ job: string; instance: string }>;
}

/**
 * Per-CPU increases since each group's last reading, summed per target and state over the CPUs present at both
 * ends, each CPU-mode series clamped at 0 (a backwards step re-baselines). Read only for the targets that need it, in
 * one query whatever their number.
 */
export function detailQuery(selector: string, groups: readonly DetailGroup[]): string {
  const parts: string[] = [];
  for (const g of groups) {
    const jobs = [...new Set(g.targets.map((t) => t.job))].map(reExact).join('|');
    const instances = [...new Set(g.targets.map((t) => t.instance))].map(reExact).join('|');
    const scope = [`job=~${promString(jobs)}`, `instance=~${promString(instances)}`];
    for (const state of ['busy', 'idle'] as const) {
      const sel = `node_cpu_seconds_total${matchers(selector, ...scope, `mode=~"${modeRegex(state)}"`)}`;
      const at = g.atSeconds.toFixed(3);
      parts.push(
        `label_replace(sum by (job, instance) (clamp_min(${sel} - ${sel} @ ${at}, 0)), "state", "${state}", "", "")`
      );
    }
  }
  return parts.join(' or ');
}
