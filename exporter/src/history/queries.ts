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

/** The range queries of one chunk, each tagged with the "mode" its series stand for in differenceBoundaries. */
export interface HistoryQuery {
  /** "_busy", "_idle" or "_other": every series of the answer is that state; "" when the answer carries its own */
  tag: string;
  expr: string;
}

/**
 * The range queries (step = half an hour) answering, at every half-hour boundary, per target: the busy, idle and other
 * cpu-second counters summed over CPUs and modes, the CPU count, the boot time and the mean active memory of the
 * half-hour ending there. Differences of consecutive boundaries are exact counter increases (no extrapolation as
 * increase() does); boundaries that disagree (reset, reboot, gap) are redone from raw samples.
 *
 * One query per state, issued side by side: Prometheus evaluates each query on one core, so three smaller queries
 * use both cores of a small machine, and the answer has 3 series per target instead of one per mode (8). The mode
 * rule is applied by regex matchers, so nothing is relabelled per raw series; label_replace is used only on the
 * small aggregated helper series (one per target) so they can share a request with "other" (a "_" name can never
 * collide with a real mode).
 */
export function historyQueries(config: Pick<Config, 'prometheus' | 'labels'>, project?: string): HistoryQuery[] {
  const sel = scopeSelector(config, project).join(', ');
  const by = groupLabels(config.labels).join(', ');
  const busy = modeRegex('busy');
  const idle = modeRegex('idle');
  const tagged = (expr: string, tag: string): string => `label_replace(${expr}, "mode", "${tag}", "", "")`;
  return [
    { tag: '_busy', expr: `sum by (${by}) (node_cpu_seconds_total${matchers(sel, `mode=~"${busy}"`)})` },
    { tag: '_idle', expr: `sum by (${by}) (node_cpu_seconds_total${matchers(sel, `mode=~"${idle}"`)})` },
    {
      tag: '',
      expr: [
        tagged(`sum by (${by}) (node_cpu_seconds_total${matchers(sel, `mode!~"${busy}|${idle}"`)})`, '_other'),
        ` or ${tagged(`count by (${by}) (node_cpu_seconds_total${matchers(sel, 'mode="idle"')})`, '_cpus')}`,
        ` or ${tagged(`max by (${by}) (node_boot_time_seconds${matchers(sel)})`, '_boot')}`,
        ` or ${tagged(`sum by (${by}) (avg_over_time(node_memory_Active_bytes${matchers(sel)}[30m]))`, '_mem')}`,
      ].join(''),
    },
  ];
}

/** Raw cpu counters of some targets over (at - seconds, at]: for half-hours whose boundary values disagree. */
export function rawCpuQuery(config: Pick<Config, 'prometheus' | 'labels'>, instances: string[], seconds: number, project?: string): string {
  const sel = scopeSelector(config, project);
  sel.push(`instance=~${promString(instances.map(reExact).join('|'))}`);
  return `node_cpu_seconds_total${matchers(sel.join(', '))}[${Math.round(seconds)}s]`;
}
