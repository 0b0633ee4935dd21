import { labelsOf, observationsFrom, siteLookup } from '../../src/tracking/observe';
import { detailQuery, trackingQueries } from '../../src/tracking/queries';
import { matchers } from '../../src/sources/prometheus/promql';
import { DEFAULTS } from '../../src/config/defaults';
import type { Sample } from '../../src/sources/prometheus';

const site = siteLookup(DEFAULTS.sites);
const labels = DEFAULTS.labels;

describe('labelsOf', () => {
  it('maps Ada labels and the project to its site', () => {
    expect(
      labelsOf(
        { cloud_project_name: 'CDAaaS', machine_name: 'Artemis (Matlab)', host: '172.16.100.50', instance: 'x:9100' },
        labels,
        site
      )
    ).toEqual({
      site: 'clf',
      project: 'CDAaaS',
      machine: 'Artemis (Matlab)',
      host: '172.16.100.50',
      user: 'unknown',
      experiment: 'unknown',
    });
  });

  it('says "unknown" for missing or blank labels and falls back to the instance for the host', () => {
    expect(
      labelsOf({ instance: 'host-172-16-100-116.nubes.stfc.ac.uk:9100', machine_name: '  ' }, labels, site)
    ).toEqual({
      site: 'unknown',
      project: 'unknown',
      machine: 'unknown',
      host: 'host-172-16-100-116.nubes.stfc.ac.uk',
      user: 'unknown',
      experiment: 'unknown',
    });
    expect(labelsOf({ instance: '[::1]:9100' }, labels, site).host).toBe('::1');
  });

  it("keeps hostile values as they are (escaping is the exposition layer's job)", () => {
    const v = 'a"b\\c\nd é 😀';
    expect(labelsOf({ machine_name: v, owner: v }, { ...labels, user: 'owner' }, site)).toMatchObject({
      machine: v,
      user: v,
    });
  });
});

describe('observationsFrom', () => {
  const m = (instance: string, extra: Record<string, string> = {}) => ({ job: 'node', instance, ...extra });
  const s = (metric: Record<string, string>, value: number): Sample => ({ metric, value });

  it('joins the five answers per target and treats NaN/Inf as missing', () => {
    const { observations: obs } = observationsFrom(
      {
        boot: [s(m('a:9100', { cloud_project_name: 'IDAaaS' }), 1000), s(m('b:9100'), NaN)],
        up: [s(m('a:9100'), 1), s(m('b:9100'), 0)],
        cpuSeconds: [s(m('a:9100', { state: 'busy' }), 50), s(m('a:9100', { state: 'idle' }), Infinity)],
        cpus: [s(m('a:9100'), 4)],
        memoryActive: [],
      },
      labels,
      site
    );
    expect(obs).toEqual([
      expect.objectContaining({
        instance: 'a:9100',
        up: true,
        bootTimeSeconds: 1000,
        busyCpuSeconds: 50,
        idleCpuSeconds: undefined,
        cpus: 4,
        memoryActiveBytes: undefined,
      }),
      expect.objectContaining({ instance: 'b:9100', up: false, bootTimeSeconds: undefined }),
    ]);
    expect(obs[0]?.labels.site).toBe('isis');
  });

  const answers = (extra: Partial<Record<string, Sample[]>> = {}) =>
    ({
      boot: [],
      up: [],
      cpuSeconds: [],
      cpus: [],
      memoryActive: [],
      ...extra,
    }) as Parameters<typeof observationsFrom>[0];

  it('takes one boot series per target: the latest boot, whatever the answer order, and reports the duplicate', () => {
    const boots = [
      s(m('a:9100', { host: '10.0.0.1', stale: 'yes' }), 1000),
      s(m('a:9100', { host: '10.0.0.1', cloud_project_name: 'IDAaaS' }), 5000),
    ];
    for (const boot of [boots, [...boots].reverse()]) {
      const r = observationsFrom(answers({ boot, up: [s(m('a:9100'), 1)] }), labels, site);
      expect(r.observations).toHaveLength(1);
      expect(r.observations[0]).toMatchObject({ bootTimeSeconds: 5000, labels: { project: 'IDAaaS' } });
      expect(r.anomalies).toEqual([expect.objectContaining({ kind: 'duplicate_series', host: '10.0.0.1' })]);
    }
  });

  it('makes one node scraped by two jobs one observation, by a fixed rule, and reports it', () => {
    const j = (job: string) => ({ job, instance: 'n:9100', host: '10.0.0.2' });
    const full = answers({
      boot: [s(j('node'), 1000), s(j('node-b'), 1000)],
      up: [s(j('node'), 1), s(j('node-b'), 1)],
      cpuSeconds: [
        s({ ...j('node'), state: 'busy' }, 5),
        s({ ...j('node'), state: 'idle' }, 9),
        s({ ...j('node-b'), state: 'busy' }, 5),
        s({ ...j('node-b'), state: 'idle' }, 9),
      ],
    });
    const reversed = Object.fromEntries(Object.entries(full).map(([k, v]) => [k, [...v].reverse()])) as typeof full;
    for (const a of [full, reversed]) {
      const r = observationsFrom(a, labels, site);
      expect(r.observations.map((o) => o.job)).toEqual(['node']);
      expect(r.anomalies).toEqual([
        expect.objectContaining({ kind: 'duplicate_target', detail: 'also seen as node-b/n:9100' }),
      ]);
    }
    // a job that is down gives way to the one that is up
    const oneDown = { ...full, up: [s(j('node'), 0), s(j('node-b'), 1)] };
    expect(observationsFrom(oneDown, labels, site).observations.map((o) => o.job)).toEqual(['node-b']);
  });

  it('reads the scrape time from the tagged series of the up answer', () => {
    const r = observationsFrom(
      answers({
        boot: [s(m('a:9100'), 1000)],
        up: [s(m('a:9100'), 1), s(m('a:9100', { ada_carbon_series: 'scrape_time' }), 1234.5)],
      }),
      labels,
      site
    );
    expect(r.observations[0]).toMatchObject({ up: true, scrapeSeconds: 1234.5 });
    expect(r.anomalies).toEqual([]);
  });
});

describe('trackingQueries', () => {
  it('has a fixed set of aggregated queries that honour the selector', () => {
    const q = trackingQueries('job="node"');
    expect(Object.keys(q)).toHaveLength(5);
    expect(q.up).toContain('timestamp(up{job="node"})');
    expect(q.cpus).toMatch(/^count by \(job, instance\) \(count by \(job, instance, cpu\)/);
    expect(q.cpuSeconds).toContain('node_cpu_seconds_total{job="node", mode=~"user|nice|system|irq|softirq"}');
    expect(q.cpuSeconds).toContain('mode=~"idle|iowait"');
    expect(q.cpuSeconds).toMatch(/^sum by \(job, instance, state\)/);
    expect(matchers('{job="x"}')).toBe('{job="x"}');
    expect(matchers('', 'a="b"')).toBe('{a="b"}');
  });
});

describe('detailQuery', () => {
  it("reads per-CPU increases of the named targets only, since each group's instant, clamped at 0", () => {
    const q = detailQuery('job="node"', [{ atSeconds: 1000, targets: [{ job: 'node', instance: 'a.b:9100' }] }]);
    expect(q).toContain('instance=~"a\\\\.b:9100"');
    expect(q).toContain(
      'clamp_min(node_cpu_seconds_total{job="node", job=~"node", instance=~"a\\\\.b:9100", mode=~"user|nice|system|irq|softirq"} - node_cpu_seconds_total{'
    );
    expect(q).toContain('@ 1000.000, 0)');
    expect(q.split(' or ')).toHaveLength(2);
  });
});
