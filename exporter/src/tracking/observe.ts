import type { Config } from '../config';
import type { Sample } from '../sources/prometheus';
import type { Anomaly, TargetObservation, WorkspaceLabels } from './types';
import { SCRAPE_TIME_TAG, type TrackingQueryName } from './queries';
import { ITEMS_PER_STEP, runNow, type Steps } from './slices';

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
  metric: Record<string, string>,
  labels: Config['labels'],
  site: (project: string) => string
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
const unknowns = (l: WorkspaceLabels): number => Object.values(l).filter((v) => v === UNKNOWN).length;
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** larger first, undefined last */
const desc = (a: number | undefined, b: number | undefined): number =>
  a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : b - a;

/** The VM a target watches: its host (label, else instance host); a target with neither stands alone. */
export const vmKey = (host: string, job: string, instance: string): string =>
  host !== UNKNOWN ? `host|${host}` : `target|${job}|${instance}`;

const usable = (o: TargetObservation): boolean =>
  o.up && o.bootTimeSeconds !== undefined && o.busyCpuSeconds !== undefined && o.idleCpuSeconds !== undefined;

/**
 * Which of several targets of one VM is the workspace: one that is up with counters, then the latest boot, then the
 * most labels known, then the first job and instance in
 * code-point order, then the label text. Deterministic whatever the order of Prometheus' answer.
 */
export function compareTargets(a: TargetObservation, b: TargetObservation): number {
  return (
    Number(usable(b)) - Number(usable(a)) ||
    desc(a.bootTimeSeconds, b.bootTimeSeconds) ||
    unknowns(a.labels) - unknowns(b.labels) ||
    byText(a.job, b.job) ||
    byText(a.instance, b.instance) ||
    byText(JSON.stringify(a.labels), JSON.stringify(b.labels))
  );
}

export interface Observed {
  /** one per VM */
  observations: TargetObservation[];
  anomalies: Anomaly[];
}

/**
 * Joins the cycle's query results into one observation per VM. A target is one that exposes node_boot_time_seconds;
 * several boot series of one target count as one (the latest boot, then the most labels known), and several targets
 * of one VM (two jobs, two instance names) as one, by `compareTargets`. NaN and infinite values count as missing.
 */
export const observationsFrom = (
  results: Record<TrackingQueryName, Sample[]>,
  labels: Config['labels'],
  site: (project: string) => string
): Observed => runNow(observationSteps(results, labels, site));

/** observationsFrom as steps, yielding every ITEMS_PER_STEP series (see slices.ts). */
export function* observationSteps(
  results: Record<TrackingQueryName, Sample[]>,
  labels: Config['labels'],
  site: (project: string) => string
): Steps<Observed> {
  let n = 0;
  const anomalies: Anomaly[] = [];
  const up = new Map<string, boolean>();
  const upSeries = new Map<string, number>();
  const scrape = new Map<string, number>();
  for (const s of results.up) {
    if (++n % ITEMS_PER_STEP === 0) yield;
    const k = key(s.metric);
    if (s.metric[SCRAPE_TIME_TAG] !== undefined) {
      const v = finite(s.value);
      if (v !== undefined) scrape.set(k, Math.max(scrape.get(k) ?? v, v));
      continue;
    }
    up.set(k, (up.get(k) ?? false) || s.value === 1); // a duplicate scrape that worked has fresh counters
    upSeries.set(k, (upSeries.get(k) ?? 0) + 1);
  }
  const cpus = new Map<string, number | undefined>();
  const mem = new Map<string, number | undefined>();
  const busy = new Map<string, number | undefined>();
  const idle = new Map<string, number | undefined>();
  for (const [into, answer] of [
    [cpus, results.cpus],
    [mem, results.memoryActive],
  ] as const) {
    for (const s of answer) {
      if (++n % ITEMS_PER_STEP === 0) yield;
      into.set(key(s.metric), finite(s.value));
    }
  }
  for (const s of results.cpuSeconds) {
    if (++n % ITEMS_PER_STEP === 0) yield;
    (s.metric.state === 'busy' ? busy : idle).set(key(s.metric), finite(s.value));
  }

  const targets = new Map<string, TargetObservation[]>();
  for (const s of results.boot) {
    if (++n % ITEMS_PER_STEP === 0) yield;
    const k = key(s.metric);
    const o: TargetObservation = {
      job: s.metric.job ?? '',
      instance: s.metric.instance ?? '',
      labels: labelsOf(s.metric, labels, site),
      up: up.get(k) ?? true,
      bootTimeSeconds: finite(s.value),
      cpus: cpus.get(k),
      busyCpuSeconds: busy.get(k),
      idleCpuSeconds: idle.get(k),
      memoryActiveBytes: mem.get(k),
      scrapeSeconds: scrape.get(k),
    };
    const list = targets.get(k);
    if (list) list.push(o);
    else targets.set(k, [o]);
  }

  const vms = new Map<string, TargetObservation[]>();
  for (const [k, list] of targets) {
    if (++n % ITEMS_PER_STEP === 0) yield;
    const o = pick(list);
    if (list.length > 1 || (upSeries.get(k) ?? 0) > 1) {
      anomalies.push(anomaly('duplicate_series', o, `${list.length} boot and ${upSeries.get(k) ?? 0} up series`));
    }
    const vm = vmKey(o.labels.host, o.job, o.instance);
    const same = vms.get(vm);
    if (same) same.push(o);
    else vms.set(vm, [o]);
  }
  const out: TargetObservation[] = [];
  for (const list of vms.values()) {
    if (++n % ITEMS_PER_STEP === 0) yield;
    const o = pick(list);
    if (list.length > 1) {
      const others = list
        .filter((x) => x !== o)
        .map((x) => `${x.job}/${x.instance}`)
        .sort()
        .join(', ');
      anomalies.push(anomaly('duplicate_target', o, `also seen as ${others}`));
    }
    out.push(o);
  }
  return { observations: out, anomalies };
}

function pick(list: TargetObservation[]): TargetObservation {
  return list.length === 1 ? list[0]! : [...list].sort(compareTargets)[0]!;
}

const anomaly = (kind: Anomaly['kind'], o: TargetObservation, detail: string): Anomaly => ({
  kind,
  host: o.labels.host,
  job: o.job,
  instance: o.instance,
  detail,
});
