import { Counter, Gauge, type Registry } from 'prom-client';

/** One series of a family: its labels and value. A missing or non-finite value is left out of the exposition. */
export type Sample<L extends string = string> = readonly [
  labels: Readonly<Record<L, string>>,
  value: number | null | undefined,
];

/** What every family states once: the exposition's name, HELP (with the unit), TYPE and label names. */
export interface Descriptor<L extends string = string> {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter' | 'histogram';
  readonly labels: readonly L[];
}

/** A family filled from a snapshot: its descriptor and how the snapshot becomes series. */
export interface Family<S, L extends string = string> extends Descriptor<L> {
  readonly type: 'gauge' | 'counter';
  readonly samples: (s: S) => Iterable<Sample<L>>;
}

/** Declares the families of one snapshot type, checking each entry's samples against its own label names. */
export const familiesOf =
  <S>() =>
  <L extends string = never>(f: Family<S, L>): Family<S> =>
    f;

/**
 * The family without one label (e.g. `user` when names must not leave the exporter): the label leaves the label
 * names and every sample. A family without that label is returned as it is.
 */
export function withoutLabel<S>(f: Family<S>, label: string): Family<S> {
  if (!f.labels.includes(label)) return f;
  return {
    ...f,
    labels: f.labels.filter((l) => l !== label),
    samples: function* (s) {
      for (const [labels, value] of f.samples(s)) {
        // built without `delete`, which would turn every label object into a slow dictionary
        const rest: Record<string, string> = {};
        for (const name in labels) if (name !== label) rest[name] = labels[name]!;
        yield [rest, value];
      }
    },
  };
}

/** Sums values per label set, keeping first-seen order (counts and grams per site). */
export function sumBy<T, L extends string>(
  items: Iterable<T>,
  labels: (t: T) => Record<L, string>,
  value: (t: T) => number
): Array<Sample<L>> {
  const sums = new Map<string, [Record<L, string>, number]>();
  for (const t of items) {
    const l = labels(t);
    // each value behind its length, so no two label sets share a key: cheaper than JSON for every item
    let key = '';
    for (const name in l) key += `${l[name].length}:${l[name]}`;
    const seen = sums.get(key);
    if (seen) seen[1] += value(t);
    else sums.set(key, [l, value(t)]);
  }
  return [...sums.values()];
}

/**
 * Turns a table into prom-client collectors on `registry`. Each collect re-reads the snapshot and refills the family
 * from scratch (series that vanished from the snapshot disappear); with `version`, only when the snapshot changed, so
 * a scrape between two cycles costs a serialisation, not a rebuild. Gauges set each sample; counters add them.
 */
export function registerFamilies<S>(
  registry: Registry,
  families: readonly Family<S>[],
  read: () => S,
  version?: (s: S) => number
): void {
  for (const f of families) {
    let seen: number | undefined;
    const collect = function (this: Gauge | Counter): void {
      const s = read();
      if (version) {
        const v = version(s);
        if (v === seen) return;
        seen = v;
      }
      this.reset();
      for (const [labels, value] of f.samples(s)) {
        if (value === null || value === undefined || !Number.isFinite(value)) continue;
        if (this instanceof Counter) this.inc(labels, value);
        else this.set(labels, value);
      }
    };
    const spec = { name: f.name, help: f.help, labelNames: f.labels, registers: [registry], collect };
    if (f.type === 'counter') new Counter(spec);
    else new Gauge(spec);
  }
}
