import type { Config } from '../config';
import { matchers } from '../tracking/queries';

/** A PromQL double-quoted string literal of any text (quotes, backslashes, newlines, unicode). */
export function promString(value: string): string {
  return JSON.stringify(value); // JSON escapes are a subset PromQL reads the same way (Go string-literal rules)
}

/** An RE2 pattern matching exactly `value`. */
export function reExact(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Labels every history series is grouped by: the target plus each configured attribution label. */
export function groupLabels(labels: Config['labels']): string[] {
  const names = ['job', 'instance', labels.project, labels.machine, labels.host];
  if (labels.user) names.push(labels.user);
  if (labels.experiment) names.push(labels.experiment);
  return [...new Set(names)];
}

export function scopeSelector(config: Pick<Config, 'prometheus' | 'labels'>, project?: string): string[] {
  const parts = [config.prometheus.selector.trim().replace(/^\{|\}$/g, '').trim()];
  if (project !== undefined) parts.push(`${config.labels.project}=${promString(project)}`);
  return parts.filter((p) => p.length > 0);
}

/**
 * One range query (step = half an hour) answering, at every half-hour boundary, per target: the cpu-second
 * counters of each mode summed over CPUs, the CPU count, the boot time and the mean active memory of the half-hour
 * ending there. Differences of consecutive boundaries are exact counter increases (no
 * extrapolation as increase() does); boundaries that disagree (reset, reboot, gap) are redone from raw samples.
 */
export function boundaryQuery(config: Pick<Config, 'prometheus' | 'labels'>, project?: string): string {
  const sel = scopeSelector(config, project).join(', ');
  const by = groupLabels(config.labels).join(', ');
  // Summed by mode, not relabelled into busy/idle server-side: label_replace over every raw series at every step
  // costs Prometheus several times more than this aggregation; the mode -> state rule is applied client-side.
  // The extra series carry a "mode" starting with "_" so they can never collide with a real mode.
  return [
    `sum by (${by}, mode) (node_cpu_seconds_total${matchers(sel)})`,
    ` or label_replace(count by (${by}) (node_cpu_seconds_total${matchers(sel, 'mode="idle"')}), "mode", "_cpus", "", "")`,
    ` or label_replace(max by (${by}) (node_boot_time_seconds${matchers(sel)}), "mode", "_boot", "", "")`,
    ` or label_replace(sum by (${by}) (avg_over_time(node_memory_Active_bytes${matchers(sel)}[30m])), "mode", "_mem", "", "")`,
  ].join('');
}

/** Raw cpu counters of some targets over (at - seconds, at]: for half-hours whose boundary values disagree. */
export function rawCpuQuery(config: Pick<Config, 'prometheus' | 'labels'>, instances: string[], seconds: number, project?: string): string {
  const sel = scopeSelector(config, project);
  sel.push(`instance=~${promString(instances.map(reExact).join('|'))}`);
  return `node_cpu_seconds_total${matchers(sel.join(', '))}[${Math.round(seconds)}s]`;
}
