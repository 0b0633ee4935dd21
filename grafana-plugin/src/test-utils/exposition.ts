/**
 * Test and harness helper: the exporter's /metrics text for a fleet of workspaces, and a parser back to series.
 * Lets tests and the browser harness start from realistic exporter output rather than hand-made frames.
 */
import { METRIC_BY_NAME, MetricKey } from '../data/metrics';

export interface PromSeries {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescapeLabel(v: string): string {
  return v.replace(/\\(["\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function parseExposition(text: string): PromSeries[] {
  const out: PromSeries[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) {
      continue;
    }
    const m = LINE.exec(line);
    if (!m) {
      throw new Error(`unparseable exposition line: ${line}`);
    }
    const labels: Record<string, string> = {};
    for (const lm of (m[2] ?? '').matchAll(LABEL)) {
      labels[lm[1]!] = unescapeLabel(lm[2]!);
    }
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

export function renderSeriesLine(s: PromSeries): string {
  const labels = Object.entries(s.labels)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',');
  return `${s.name}{${labels}} ${Number.isNaN(s.value) ? 'NaN' : s.value}`;
}

/** Workspace series only, with the metric each one carries. */
export function workspaceSeries(series: readonly PromSeries[]): Array<PromSeries & { metric: MetricKey }> {
  return series.flatMap((s) => {
    const metric = METRIC_BY_NAME[s.name];
    return metric ? [{ ...s, metric }] : [];
  });
}
