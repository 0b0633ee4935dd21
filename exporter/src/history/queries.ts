import type { Config } from '../config';
import { modeRegex } from '../model/modes';
import { matchers, promString, reExact } from '../sources/prometheus/promql';
import type { HostSet } from './hostSets';

/** An `instance=~` matcher for exactly these instances. */
const instancesMatcher = (instances: string[]): string => `instance=~${promString(instances.map(reExact).join('|'))}`;

/** Labels every history series is grouped by: the target plus each configured attribution label. */
export function groupLabels(labels: Config['labels']): string[] {
  const names = ['job', 'instance', labels.project, labels.machine, labels.host];
  if (labels.user) names.push(labels.user);
  if (labels.experiment) names.push(labels.experiment);
  return [...new Set(names)];
}

/** The configured selector, the project when the run has one, and the instances of a host set. */
export function scopeSelector(
  config: Pick<Config, 'prometheus' | 'labels'>,
  project?: string,
  hosts?: HostSet
): string[] {
  const parts = [
    config.prometheus.selector
      .trim()
      .replace(/^\{|\}$/g, '')
      .trim(),
  ];
  if (project !== undefined) parts.push(`${config.labels.project}=${promString(project)}`);
  if (hosts !== undefined) parts.push(instancesMatcher([...hosts].sort()));
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
export const BOOT_METRIC = 'node_boot_time_seconds';
/**
 * Set on the memory series of the targets query: `or` matches series on every label but the name, so without it a
 * target's memory series (avg_over_time drops the name) would be taken for its boot series and dropped.
 */
export const MEMORY_TAG = 'ada_carbon_series';

/** What the series of a range query stand for in the boundary table (boundaries.ts). */
export type AnswerKind = 'busy' | 'idle' | 'other' | 'targets' | 'recorded' | 'cpus';

/** One range query of a chunk (step = half an hour). */
export interface HistoryQuery {
  kind: AnswerKind;
  expr: string;
}

/**
 * The matchers of the chunk's one /api/v1/series call (index only, no samples read): every per-CPU idle series, for
 * the targets that lived only between two boundaries, and the recorded CPU count, whose presence picks the recorded
 * path.
 */
export function cpuSeriesMatchers(
  config: Pick<Config, 'prometheus' | 'labels'>,
  project?: string,
  hosts?: HostSet
): string[] {
  const sel = scopeSelector(config, project, hosts).join(', ');
  return [`node_cpu_seconds_total${matchers(sel, 'mode="idle"')}`, `${RECORDED_CPUS}${matchers(sel)}`];
}

/**
 * The range queries of a chunk, answering at every half-hour boundary per target. Differences of consecutive
 * boundaries are exact counter increases (no extrapolation as increase() does); boundaries that disagree (reset,
 * reboot, gap) are redone from raw samples.
 *
 * Raw counters: one `sum by (<target>)` per state (busy, idle, other) with regex mode matchers, so nothing is
 * relabelled per raw series and each raw series is read once; the three run side by side (Prometheus evaluates a
 * query on one core). Recorded: the rules' per-target state sums and CPU count, unaggregated (already one series per
 * target and state; a `sum by` would only add per-step grouping work). Both: boot time and mean active memory of the
 * half-hour ending at the boundary, unaggregated (one series per target each); the client picks the target labels.
 */
export function historyQueries(
  config: Pick<Config, 'prometheus' | 'labels'>,
  project?: string,
  recorded = false
): HistoryQuery[] {
  return [...stateQueries(config, project, recorded), targetsQuery(config, project)];
}

/** The busy, idle and other sums per target (raw), or the rules' recorded sums and CPU counts (recorded). */
export function stateQueries(
  config: Pick<Config, 'prometheus' | 'labels'>,
  project?: string,
  recorded = false,
  hosts?: HostSet
): HistoryQuery[] {
  const sel = scopeSelector(config, project, hosts).join(', ');
  if (recorded) {
    return [
      {
        kind: 'recorded',
        expr: `${RECORDED_CPU_SECONDS}${matchers(sel)} ${RECORDED_READ} or ${RECORDED_CPUS}${matchers(sel)} ${RECORDED_READ}`,
      },
    ];
  }
  const by = groupLabels(config.labels).join(', ');
  const busy = modeRegex('busy');
  const idle = modeRegex('idle');
  const state = (mode: string): string => `sum by (${by}) (node_cpu_seconds_total${matchers(sel, mode)})`;
  return [
    { kind: 'busy', expr: state(`mode=~"${busy}"`) },
    { kind: 'idle', expr: state(`mode=~"${idle}"`) },
    { kind: 'other', expr: state(`mode!~"${busy}|${idle}"`) },
  ];
}

/** Boot time and the mean active memory of the half-hour ending at each boundary, one series per target each. */
export function targetsQuery(
  config: Pick<Config, 'prometheus' | 'labels'>,
  project?: string,
  hosts?: HostSet
): HistoryQuery {
  const sel = scopeSelector(config, project, hosts).join(', ');
  return {
    kind: 'targets',
    expr: `${BOOT_METRIC}${matchers(sel)} or label_replace(avg_over_time(node_memory_Active_bytes${matchers(sel)}[30m]), "${MEMORY_TAG}", "memory", "", "")`,
  };
}

/**
 * The CPU count of every target at each boundary (raw path). Not from the series call: that answers from the index,
 * which on VictoriaMetrics covers whole days, so a VM resized later that day would count its later CPUs here; and a
 * resize reboots the VM, so one count per chunk cannot hold both boots.
 */
export function cpuCountQuery(
  config: Pick<Config, 'prometheus' | 'labels'>,
  project?: string,
  hosts?: HostSet
): string {
  const sel = scopeSelector(config, project, hosts);
  sel.push('mode="idle"');
  return `count by (${groupLabels(config.labels).join(', ')}) (node_cpu_seconds_total${matchers(sel.join(', '))})`;
}

/** The raw series a recount reads: every CPU counter, and the boot time that tells a reset from a drop. */
const RAW_NAMES = `__name__=~"node_cpu_seconds_total|${BOOT_METRIC}"`;

/**
 * Raw cpu counters and boot time of one target, matched on every one of its labels (IPs are reused: an instance
 * alone can match another VM's week of samples), over (at - seconds, at]: for a target that lived only between two
 * boundaries.
 */
export function targetCpuQuery(
  config: Pick<Config, 'prometheus' | 'labels'>,
  labels: Record<string, string>,
  seconds: number,
  project?: string
): string {
  const sel = scopeSelector(config, project);
  for (const [k, v] of Object.entries(labels))
    if (k !== config.labels.project || project === undefined) sel.push(`${k}=${promString(v)}`);
  return `${matchers(RAW_NAMES, ...sel)}[${Math.round(seconds)}s]`;
}

/** Raw cpu counters and boot time of some targets over (at - seconds, at]: for half-hours whose boundary values disagree. */
export function rawCpuQuery(
  config: Pick<Config, 'prometheus' | 'labels'>,
  instances: string[],
  seconds: number,
  project?: string
): string {
  const sel = scopeSelector(config, project);
  sel.push(instancesMatcher(instances));
  return `${matchers(RAW_NAMES, ...sel)}[${Math.round(seconds)}s]`;
}
