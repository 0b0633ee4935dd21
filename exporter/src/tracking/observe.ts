import type { Config } from '../config';
import type { Sample } from '../sources/prometheus';
import type { TargetObservation, WorkspaceLabels } from './types';
import type { TrackingQueryName } from './queries';

export const UNKNOWN = 'unknown';

/** Builds the site lookup once: project label value -> site name. */
export function siteLookup(sites: Config['sites']): (project: string) => string {
  const byProject = new Map(Object.entries(sites).map(([site, s]) => [s.project, site]));
  return (project) => byProject.get(project) ?? UNKNOWN;
}

const clean = (v: string | undefined): string => (v !== undefined && v.trim() !== '' ? v : UNKNOWN);

/** host label, else the instance without its port (host-1.example:9100 -> host-1.example, [::1]:9100 -> ::1) */
function hostOf(metric: Record<string, string>, hostLabel: string): string {
  const own = metric[hostLabel];
  if (own && own.trim() !== '') return own;
  const instance = metric.instance ?? '';
  const m = /^\[(.*)\](?::\d+)?$/.exec(instance) ?? /^(.*?)(?::\d+)?$/.exec(instance);
  return clean(m?.[1]);
}

export function labelsOf(
  metric: Record<string, string>, labels: Config['labels'], site: (project: string) => string,
): WorkspaceLabels {
  const project = clean(metric[labels.project]);
  return {
    site: site(project),
    project,
    machine: clean(metric[labels.machine]),
    host: hostOf(metric, labels.host),
    user: clean(labels.user ? metric[labels.user] : undefined),
    experiment: clean(labels.experiment ? metric[labels.experiment] : undefined),
  };
}

const finite = (v: number | undefined): number | undefined => (v !== undefined && Number.isFinite(v) ? v : undefined);
const key = (m: Record<string, string>): string => `${m.job ?? ''}|${m.instance ?? ''}`;

/**
 * Joins the cycle's query results into one observation per node_exporter target (one that exposes
 * node_boot_time_seconds). NaN and infinite values count as missing, never as numbers.
 */
export function observationsFrom(
  results: Record<TrackingQueryName, Sample[]>, labels: Config['labels'], site: (project: string) => string,
): TargetObservation[] {
  const up = new Map(results.up.map((s) => [key(s.metric), s.value === 1]));
  const cpus = new Map(results.cpus.map((s) => [key(s.metric), finite(s.value)]));
  const mem = new Map(results.memoryActive.map((s) => [key(s.metric), finite(s.value)]));
  const busy = new Map<string, number | undefined>();
  const idle = new Map<string, number | undefined>();
  for (const s of results.cpuSeconds) {
    (s.metric.state === 'busy' ? busy : idle).set(key(s.metric), finite(s.value));
  }
  const out: TargetObservation[] = [];
  const seen = new Set<string>();
  for (const s of results.boot) {
    const k = key(s.metric);
    if (seen.has(k)) continue; // duplicate series for one target (relabelling quirks): first wins
    seen.add(k);
    out.push({
      job: s.metric.job ?? '',
      instance: s.metric.instance ?? '',
      labels: labelsOf(s.metric, labels, site),
      up: up.get(k) ?? true,
      bootTimeSeconds: finite(s.value),
      cpus: cpus.get(k),
      busyCpuSeconds: busy.get(k),
      idleCpuSeconds: idle.get(k),
      memoryActiveBytes: mem.get(k),
    });
  }
  return out;
}
