import type { Config } from '../config';
import { modeRegex } from '../model/modes';
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
 * One range query (step = half an hour) answering, at every half-hour boundary, per target: the busy, idle and
 * other (steal) cpu-second counters summed over CPUs and modes, the CPU count, the boot time and the mean active
 * memory of the half-hour ending there. Differences of consecutive boundaries are exact counter increases (no
 * extrapolation as increase() does); boundaries that disagree (reset, reboot, gap) are redone from raw samples.
 */
export function boundaryQuery(config: Pick<Config, 'prometheus' | 'labels'>, project?: string): string {
  const sel = scopeSelector(config, project);
  const by = groupLabels(config.labels).join(', ');
  const cpu = (mode: string): string => `node_cpu_seconds_total${matchers(sel.join(', '), mode)}`;
  const busy = `mode=~"${modeRegex('busy')}"`;
  const idle = `mode=~"${modeRegex('idle')}"`;
  const other = `mode!~"${modeRegex('busy')}|${modeRegex('idle')}"`;
  return [
    `sum by (${by}, state) (label_replace(${cpu(busy)}, "state", "busy", "", "")`,
    ` or label_replace(${cpu(idle)}, "state", "idle", "", "")`,
    ` or label_replace(${cpu(other)}, "state", "other", "", ""))`,
    ` or label_replace(count by (${by}) (${cpu('mode="idle"')}), "state", "cpus", "", "")`,
    ` or label_replace(max by (${by}) (node_boot_time_seconds${matchers(sel.join(', '))}), "state", "boot", "", "")`,
    ` or label_replace(sum by (${by}) (avg_over_time(node_memory_Active_bytes${matchers(sel.join(', '))}[30m])), "state", "mem", "", "")`,
  ].join('');
}

/** Raw cpu counters of some targets over (at - seconds, at]: for half-hours whose boundary values disagree. */
export function rawCpuQuery(config: Pick<Config, 'prometheus' | 'labels'>, instances: string[], seconds: number, project?: string): string {
  const sel = scopeSelector(config, project);
  sel.push(`instance=~${promString(instances.map(reExact).join('|'))}`);
  return `node_cpu_seconds_total${matchers(sel.join(', '))}[${Math.round(seconds)}s]`;
}
