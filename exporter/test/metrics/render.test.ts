/**
 * The sliced renderer of the snapshot families against prom-client itself: the same samples give the same bytes in
 * both formats (duplicates, escapes, empty families), and a large family gives the event loop turns while it renders.
 */
import { Counter, Gauge } from 'prom-client';
import { renderFamily } from '../../src/metrics/render';
import { newRegistry } from '../../src/metrics/exposition';
import type { Family, Sample } from '../../src/metrics/table';
import type { ExpositionFormat } from '../../src/metrics/negotiate';
import { turnsDuring } from '../support/turns';

type Snap = ReadonlyArray<Sample<'site' | 'host'>>;

const HOSTILE: Snap = [
  [{ site: 'isis', host: 'a' }, 1.5],
  [{ site: 'clf', host: 'b "quoted" \\ back\nline' }, 2],
  [{ site: 'isis', host: 'a' }, 4.25], // the same label set again
  [{ site: 'isis', host: 'c' }, NaN], // left out
  [{ site: 'isis', host: 'd' }, null], // left out
  [{ site: 'isis', host: 'e' }, 1e21],
  [{ site: 'isis', host: 'f' }, -0],
];

const family = (type: 'gauge' | 'counter', name: string): Family<Snap> => ({
  name,
  help: 'Help with a back\\slash and a\nnewline, in units.',
  type,
  labels: ['site', 'host'],
  samples: (s) => s,
});

/** What prom-client renders for the same samples, through the same collect() the small families use. */
async function promClientText(f: Family<Snap>, snap: Snap, format: ExpositionFormat): Promise<string> {
  const registry = newRegistry(format);
  const collect = function (this: Gauge | Counter): void {
    this.reset();
    for (const [labels, value] of f.samples(snap)) {
      if (value === null || value === undefined || !Number.isFinite(value)) continue;
      if (this instanceof Counter) this.inc(labels, Math.max(0, value));
      else this.set(labels, value);
    }
  };
  const spec = { name: f.name, help: f.help, labelNames: f.labels, registers: [registry], collect };
  if (f.type === 'counter') new Counter(spec);
  else new Gauge(spec);
  const text = await registry.metrics();
  return format === 'openmetrics' ? text.replace(/\n# EOF\n$/, '') : text.replace(/\n$/, '');
}

describe('renderFamily', () => {
  const cases = [
    ['gauge', 'ada_carbon_test_watts', 'text'],
    ['gauge', 'ada_carbon_test_watts', 'openmetrics'],
    ['counter', 'ada_carbon_test_joules_total', 'text'],
    ['counter', 'ada_carbon_test_joules_total', 'openmetrics'],
  ] as const;

  it.each(cases)('writes a %s (%s) in %s as prom-client does', async (type, name, format) => {
    const f = family(type, name);
    const counterSnap = HOSTILE.map(([l, v]): Sample<'site' | 'host'> => [l, Object.is(v, -0) ? 0 : v]);
    const snap = type === 'counter' ? counterSnap : HOSTILE;
    const ours = await renderFamily(f, snap, format);
    expect(ours).toBe(await promClientText(f, snap, format));
    // the duplicate keeps its first place: the last value for a gauge, the sum for a counter
    expect(ours).toContain(`{site="isis",host="a"} ${type === 'gauge' ? 4.25 : 5.75}`);
  });

  it.each(cases)('writes an empty %s (%s) in %s as prom-client does', async (type, name, format) => {
    const f = family(type, name);
    expect(await renderFamily(f, [], format)).toBe(await promClientText(f, [], format));
  });

  it('refuses a negative counter value, as prom-client does', async () => {
    await expect(
      renderFamily(family('counter', 'ada_carbon_test_total'), [[{ site: 's', host: 'h' }, -1]], 'text')
    ).rejects.toThrow(/counter cannot be -1/);
  });

  it('gives the event loop turns while rendering a large family, and never holds it for long', async () => {
    const many: Snap = Array.from({ length: 100_000 }, (_, i) => [{ site: 'isis', host: `host-${i}.example` }, i]);
    const {
      value: text,
      turns,
      longestHoldMs,
    } = await turnsDuring(() => renderFamily(family('gauge', 'ada_carbon_test_watts'), many, 'text', undefined));
    expect(text.split('\n')).toHaveLength(100_002);
    expect(turns).toBeGreaterThan(5);
    // slices are about 8 ms (21-39 ms longest here alone, 103 ms once in a full CI run on a loaded 2-core machine:
    // a garbage collection); the bound leaves room for that and is far below the unsliced render (over 400 ms)
    expect(longestHoldMs).toBeLessThan(150);
  });
});
