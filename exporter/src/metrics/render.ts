import type { Family } from './table';
import type { ExpositionFormat } from './negotiate';
import { slicer as stepSlicer } from '../tracking/slices';

/** Samples rendered between two looks at the clock. */
const CHECK_EVERY = 128;

/** Gives the event loop a turn every few milliseconds of rendering. */
export const slicer = (): (() => Promise<void> | undefined) => stepSlicer(undefined, CHECK_EVERY);

/** Gives the event loop a turn between two families once a slice of work has passed (small families add up). */
export const familySlicer = (): (() => Promise<void> | undefined) => stepSlicer();

const escapeText = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabelValue = (s: string): string => escapeText(s).replace(/"/g, '\\"');

function labelText(labels: Readonly<Record<string, string>>): string {
  let out = '';
  for (const name in labels) {
    out += `${out === '' ? '' : ','}${name}="${escapeLabelValue(labels[name]!)}"`;
  }
  return out;
}

/** Number text as the Prometheus formats write it. */
function valueText(v: number): string {
  if (Number.isNaN(v)) return 'Nan';
  if (!Number.isFinite(v)) return v < 0 ? '-Inf' : '+Inf';
  return `${v}`;
}

/**
 * One family's exposition block (HELP, TYPE, one line per label set, no trailing newline), byte for byte what
 * prom-client writes for the same samples: a label set seen twice keeps its first place, a gauge its last value and a
 * counter the sum. It gives the event loop a turn every few milliseconds, so that tens of thousands of series never
 * hold it for long.
 */
export async function renderFamily<S>(
  f: Family<S>,
  snapshot: S,
  format: ExpositionFormat,
  pause: () => Promise<void> | undefined = slicer()
): Promise<string> {
  const counter = f.type === 'counter';
  const index = new Map<string, number>();
  const keys: string[] = [];
  const values: number[] = [];
  for (const [labels, value] of f.samples(snapshot)) {
    if (value === null || value === undefined || !Number.isFinite(value)) continue;
    if (counter && value < 0) throw new RangeError(`${f.name}: a counter cannot be ${value}`);
    const key = labelText(labels);
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, keys.length);
      keys.push(key);
      values.push(value);
    } else {
      values[at] = counter ? values[at]! + value : value;
    }
    const turn = pause();
    if (turn) await turn;
  }
  // OpenMetrics names a counter family without `_total` and its samples with it
  const name = format === 'openmetrics' && counter ? f.name.replace(/_total$/, '') : f.name;
  const series = format === 'openmetrics' && counter ? `${name}_total` : name;
  // lines joined once: a string grown by += is a rope of every piece, flattened in one go wherever it is read
  const lines = [`# HELP ${name} ${escapeText(f.help)}`, `# TYPE ${name} ${f.type}`];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    lines.push(`${series}${key === '' ? '' : `{${key}}`} ${valueText(values[i]!)}`);
    const turn = pause();
    if (turn) await turn;
  }
  return lines.join('\n');
}
