import { modeRegex } from '../model/modes';

/** Joins the configured selector (e.g. `job="node"`) with query-specific matchers into one `{...}`. */
export function matchers(selector: string, ...extra: string[]): string {
  const parts = [selector.trim().replace(/^\{|\}$/g, '').trim(), ...extra].filter((p) => p.length > 0);
  return `{${parts.join(', ')}}`;
}

/**
 * The tracking cycle's queries: a fixed set whatever the number of hosts, each aggregated by target server-side so
 * the answer has one or two series per host instead of one per CPU and mode.
 */
export function trackingQueries(selector: string) {
  const busy = matchers(selector, `mode=~"${modeRegex('busy')}"`);
  const idle = matchers(selector, `mode=~"${modeRegex('idle')}"`);
  return {
    /** target labels (project, machine, host, ...) and the boot instant */
    boot: `node_boot_time_seconds${matchers(selector)}`,
    up: `up${matchers(selector)}`,
    cpuSeconds:
      `sum by (job, instance, state) (label_replace(node_cpu_seconds_total${busy}, "state", "busy", "", "")` +
      ` or label_replace(node_cpu_seconds_total${idle}, "state", "idle", "", ""))`,
    cpus: `count by (job, instance) (node_cpu_seconds_total${matchers(selector, 'mode="idle"')})`,
    memoryActive: `sum by (job, instance) (node_memory_Active_bytes${matchers(selector)})`,
  } as const;
}

export type TrackingQueryName = keyof ReturnType<typeof trackingQueries>;
