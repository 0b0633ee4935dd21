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

/** Names recorded by provisioning/prometheus/rules/ada-carbon-node-cpu.yml (per target, all target labels kept). */
export const RECORDED_CPU_SECONDS = 'instance_state:node_cpu_seconds:sum_at_30m';
export const RECORDED_CPUS = 'instance:node_cpus:count_at_30m';
/**
 * Every evaluation in [t, t + 30m) records the value at boundary t, so a query at t reads the one just before
 * t + 30m (negative offset: stable since Prometheus 2.33). Works for rule intervals up to ~5 min (the lookback).
 */
export const RECORDED_READ = 'offset -1790s';

/**
 * The probe of the recorded series (one range query per run, step 30 min): at every half-hour boundary, how many
 * targets have a recorded CPU count ("recorded") and how many targets exist ("targets", one boot-time series each, so
 * cheap). A chunk reads the recorded series only where they cover every target (see recordedChunks).
 */
export function recordedProbeQuery(config: Pick<Config, 'prometheus' | 'labels'>, project?: string): string {
  const sel = scopeSelector(config, project).join(', ');
  return `label_replace(count(${RECORDED_CPUS}${matchers(sel)} ${RECORDED_READ}), "probe", "recorded", "", "")` +
    ` or label_replace(count(node_boot_time_seconds${matchers(sel)}), "probe", "targets", "", "")`;
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
export function historyQueries(config: Pick<Config, 'prometheus' | 'labels'>, project?: string, recorded = false): HistoryQuery[] {
  const sel = scopeSelector(config, project).join(', ');
  const by = groupLabels(config.labels).join(', ');
  const busy = modeRegex('busy');
  const idle = modeRegex('idle');
  const tagged = (expr: string, tag: string): string => `label_replace(${expr}, "mode", "${tag}", "", "")`;
  // recorded: the per-target state sums of the node-cpu recording rules (3 series per target, already summed over
  // CPUs and modes) instead of every raw per-CPU-per-mode counter; the same group labels, so the same answer shape
  const state = (s: 'busy' | 'idle' | 'other', rawMode: string): string => recorded
    ? `sum by (${by}) (${RECORDED_CPU_SECONDS}${matchers(sel, `state="${s}"`)} ${RECORDED_READ})`
    : `sum by (${by}) (node_cpu_seconds_total${matchers(sel, rawMode)})`;
  const cpus = recorded
    ? `sum by (${by}) (${RECORDED_CPUS}${matchers(sel)} ${RECORDED_READ})`
    : `count by (${by}) (node_cpu_seconds_total${matchers(sel, 'mode="idle"')})`;
  return [
    { tag: '_busy', expr: state('busy', `mode=~"${busy}"`) },
    { tag: '_idle', expr: state('idle', `mode=~"${idle}"`) },
    {
      tag: '',
      expr: [
        tagged(state('other', `mode!~"${busy}|${idle}"`), '_other'),
        ` or ${tagged(cpus, '_cpus')}`,
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

/**
 * Half-hour boundaries (unix seconds) where the probe saw the recorded series cover every target. Pure.
 * A boundary with no target at all counts as covered (there is nothing to read either way).
 */
export function coveredBoundaries(probe: ReadonlyArray<{ metric: Record<string, string>; values: ReadonlyArray<[number, number]> }>): Map<number, boolean> {
  const counts = new Map<number, { recorded: number; targets: number }>();
  for (const s of probe) {
    const which = s.metric.probe;
    if (which !== 'recorded' && which !== 'targets') continue;
    for (const [ts, v] of s.values) {
      const t = Math.round(ts);
      const c = counts.get(t) ?? { recorded: 0, targets: 0 };
      c[which] = v;
      counts.set(t, c);
    }
  }
  const out = new Map<number, boolean>();
  for (const [t, c] of counts) out.set(t, c.recorded >= c.targets);
  return out;
}

/** Whether [a, b] can be read from the recorded series: every boundary covered (absent from the probe = no target). */
export function useRecorded(covered: ReadonlyMap<number, boolean> | undefined, a: number, b: number, stepSeconds: number): boolean {
  if (!covered || covered.size === 0) return false;
  for (let t = a; t <= b; t += stepSeconds) if (covered.get(t) === false) return false;
  return true;
}
