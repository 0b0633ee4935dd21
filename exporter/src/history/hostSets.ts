// Host sets: a chunk of many hosts is read one set of hosts at a time, so that at most one set's answers are decoded
// and held at once, whatever the fleet size, while the chunk keeps its long hours (short chunks cost Prometheus more
// decoding per sample). Pure.

/** Instances whose series one set of a chunk reads; undefined: every target (one set, no instance matcher). */
export type HostSet = ReadonlySet<string> | undefined;

/**
 * The run's targets cut into sets of at most `maxTargets`, by instance (every query of a set matches its instances).
 * A host's targets stay in one set (a node scraped by two jobs or under two instance names is one host: both must be
 * seen together to be counted once). One set when they all fit.
 */
export function hostSets(
  targets: ReadonlyMap<string, Record<string, string>>,
  hostLabel: string,
  maxTargets: number
): HostSet[] {
  if (targets.size <= maxTargets) return [undefined];
  const groups = new Map<string, { instances: Set<string>; targets: number }>();
  for (const labels of targets.values()) {
    const instance = labels.instance ?? '';
    const host = labels[hostLabel] || instance;
    let g = groups.get(host);
    if (!g) groups.set(host, (g = { instances: new Set(), targets: 0 }));
    g.instances.add(instance);
    g.targets++;
  }
  // an instance shared by two hosts' labels joins both groups' set: merge them (a rare relabelling)
  const byInstance = new Map<string, { instances: Set<string>; targets: number }>();
  for (const g of [...groups.keys()].sort().map((k) => groups.get(k)!)) {
    const other = [...g.instances].map((i) => byInstance.get(i)).find((o) => o !== undefined);
    const into = other ?? g;
    if (other) {
      for (const i of g.instances) into.instances.add(i);
      into.targets += g.targets;
    }
    for (const i of into.instances) byInstance.set(i, into);
  }
  const sets: Array<Set<string>> = [];
  let current = new Set<string>();
  let count = 0;
  for (const g of new Set(byInstance.values())) {
    if (count > 0 && count + g.targets > maxTargets) {
      sets.push(current);
      current = new Set();
      count = 0;
    }
    for (const i of g.instances) current.add(i);
    count += g.targets;
  }
  if (current.size > 0) sets.push(current);
  return sets.length > 1 ? sets : [undefined];
}

/** Whether a target (its labels) belongs to a set. */
export function inSet(set: HostSet, labels: Record<string, string>): boolean {
  return set === undefined || set.has(labels.instance ?? '');
}
