import { labelsOf, observationsFrom, siteLookup } from './observe';
import { trackingQueries, matchers } from './queries';
import { DEFAULTS } from '../config/defaults';
import type { Sample } from '../sources/prometheus';

const site = siteLookup(DEFAULTS.sites);
const labels = DEFAULTS.labels;

describe('labelsOf', () => {
  it('maps Ada labels and the project to its site', () => {
    expect(labelsOf({ cloud_project_name: 'CDAaaS', machine_name: 'Artemis (Matlab)', host: '172.16.100.50', instance: 'x:9100' }, labels, site))
      .toEqual({ site: 'clf', project: 'CDAaaS', machine: 'Artemis (Matlab)', host: '172.16.100.50', user: 'unknown', experiment: 'unknown' });
  });

  it('says "unknown" for missing or blank labels and falls back to the instance for the host', () => {
    expect(labelsOf({ instance: 'host-172-16-100-116.nubes.stfc.ac.uk:9100', machine_name: '  ' }, labels, site))
      .toEqual({ site: 'unknown', project: 'unknown', machine: 'unknown', host: 'host-172-16-100-116.nubes.stfc.ac.uk', user: 'unknown', experiment: 'unknown' });
    expect(labelsOf({ instance: '[::1]:9100' }, labels, site).host).toBe('::1');
  });

  it('keeps hostile values as they are (escaping is the exposition layer\'s job)', () => {
    const v = 'a"b\\c\nd é 😀';
    expect(labelsOf({ machine_name: v, owner: v }, { ...labels, user: 'owner' }, site)).toMatchObject({ machine: v, user: v });
  });
});

describe('observationsFrom', () => {
  const m = (instance: string, extra: Record<string, string> = {}) => ({ job: 'node', instance, ...extra });
  const s = (metric: Record<string, string>, value: number): Sample => ({ metric, value });

  it('joins the five answers per target and treats NaN/Inf as missing', () => {
    const obs = observationsFrom({
      boot: [s(m('a:9100', { cloud_project_name: 'IDAaaS' }), 1000), s(m('b:9100'), NaN)],
      up: [s(m('a:9100'), 1), s(m('b:9100'), 0)],
      cpuSeconds: [s(m('a:9100', { state: 'busy' }), 50), s(m('a:9100', { state: 'idle' }), Infinity)],
      cpus: [s(m('a:9100'), 4)],
      memoryActive: [],
    }, labels, site);
    expect(obs).toEqual([
      expect.objectContaining({ instance: 'a:9100', up: true, bootTimeSeconds: 1000, busyCpuSeconds: 50, idleCpuSeconds: undefined, cpus: 4, memoryActiveBytes: undefined }),
      expect.objectContaining({ instance: 'b:9100', up: false, bootTimeSeconds: undefined }),
    ]);
    expect(obs[0]?.labels.site).toBe('isis');
  });
});

describe('trackingQueries', () => {
  it('has a fixed set of aggregated queries that honour the selector', () => {
    const q = trackingQueries('job="node"');
    expect(Object.keys(q)).toHaveLength(5);
    expect(q.cpuSeconds).toContain('node_cpu_seconds_total{job="node", mode=~"user|nice|system|irq|softirq"}');
    expect(q.cpuSeconds).toContain('mode=~"idle|iowait"');
    expect(q.cpuSeconds).toMatch(/^sum by \(job, instance, state\)/);
    expect(matchers('{job="x"}')).toBe('{job="x"}');
    expect(matchers('', 'a="b"')).toBe('{a="b"}');
  });
});
