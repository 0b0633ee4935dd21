/**
 * The one list of metric names against what is registered and what is documented: a family added, renamed or dropped
 * without its list entry or its line in the docs fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createGreenMetrics, createMetrics, METRIC_NAMES } from '../../src/metrics/registry';
import { emptySnapshot } from '../../src/tracking/snapshot';

const ROOT = path.resolve(__dirname, '../../..');
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** The rows of the README's metrics table; `…_x` there abbreviates `ada_carbon_x`. */
function readmeTableNames(): string[] {
  const section = /^## Metrics\n([\s\S]*?)^#/m.exec(read('README.md'))?.[1] ?? '';
  const rows = section.split('\n').filter((l) => l.startsWith('| `'));
  return rows.flatMap((r) => [...r.matchAll(/`(?:ada_carbon_|…_)([a-z0-9_]+)/g)].map((m) => `ada_carbon_${m[1]}`));
}

const greenerChoicesNames = (): string[] =>
  [...read('docs/greener-choices.md').matchAll(/\bada_carbon_[a-z0-9_]+/g)].map((m) => m[0]);

describe('metric names', () => {
  it('are the families of a registry with every family registered, in exposition order', async () => {
    const m = createMetrics(() => emptySnapshot(), '0.0.0-test');
    createGreenMetrics(m, {
      forecast: () => ({ version: 0, areas: [], windows: [] }),
      savings: () => ({ area: 'national', gramsPerKwh: 100, intensityBasis: 'fallback', groups: [] }),
    });
    const families = [...(await m.render()).matchAll(/^# TYPE (\S+) /gm)].map((x) => x[1]);
    expect(families).toEqual(METRIC_NAMES);
  });

  it('are unique', () => {
    expect(new Set(METRIC_NAMES).size).toBe(METRIC_NAMES.length);
  });

  it('are each documented in the README metrics table or docs/greener-choices.md, and nothing else is', () => {
    const documented = new Set([...readmeTableNames(), ...greenerChoicesNames()]);
    expect(METRIC_NAMES.filter((n) => !documented.has(n))).toEqual([]);
    expect([...documented].filter((n) => !METRIC_NAMES.includes(n))).toEqual([]);
  });
});
