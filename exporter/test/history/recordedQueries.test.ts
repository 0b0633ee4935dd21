/** The choice between the node-cpu recording rules' series and the raw counters, and the queries of each path. */
import { BoundaryTable, countCpus } from '../../src/history/boundaries';
import {
  cpuCountQuery,
  cpuSeriesMatchers,
  groupLabels,
  historyQueries,
  RECORDED_CPU_SECONDS,
  RECORDED_CPUS,
} from '../../src/history/queries';
import { DEFAULTS } from '../../src/config';

const T = Date.UTC(2026, 0, 1) / 1000;
const H = 1800;
const NAMES = groupLabels(DEFAULTS.labels);
const target = (i: number) => ({
  job: 'node',
  instance: `h${i}:9100`,
  cloud_project_name: 'P',
  machine_name: 'm',
  host: `h${i}`,
});
const points = (vals: Array<number | undefined>): Array<[number, number]> =>
  vals.flatMap((v, i) => (v === undefined ? [] : [[T + i * H, v] as [number, number]]));

describe('recorded series or raw counters', () => {
  it('counts the CPUs of each target from the series call, and whether the recorded count exists', () => {
    const found = countCpus(
      [
        { __name__: 'node_cpu_seconds_total', ...target(1), cpu: '0', mode: 'idle' },
        { __name__: 'node_cpu_seconds_total', ...target(1), cpu: '1', mode: 'idle' },
        { __name__: 'node_cpu_seconds_total', ...target(2), cpu: '0', mode: 'idle' },
        { __name__: RECORDED_CPUS, ...target(1) },
      ],
      NAMES
    );
    expect([...found.cpus.values()]).toEqual([2, 1]);
    expect(found.recorded).toBe(true); // the rules exist: the recorded path is tried, covered() decides per chunk
    expect(
      countCpus([{ __name__: 'node_cpu_seconds_total', ...target(1), cpu: '0', mode: 'idle' }], NAMES).recorded
    ).toBe(false);
  });

  it('is covered only where every boundary with a boot time has recorded busy, idle and CPU values', () => {
    const table = (busyLast: number | undefined) => {
      const t = new BoundaryTable(T, T + 2 * H, NAMES);
      t.add('targets', [{ metric: { __name__: 'node_boot_time_seconds', ...target(1) }, values: points([5, 5, 5]) }]);
      t.add('recorded', [
        { metric: { __name__: RECORDED_CPU_SECONDS, ...target(1), state: 'busy' }, values: points([0, 10, busyLast]) },
        { metric: { __name__: RECORDED_CPU_SECONDS, ...target(1), state: 'idle' }, values: points([0, 100, 200]) },
        { metric: { __name__: RECORDED_CPUS, ...target(1) }, values: points([1, 1, 1]) },
      ]);
      return t;
    };
    expect(table(20).covered()).toBe(true);
    expect(table(undefined).covered()).toBe(false); // the last boundary's recorded value is not there (yet)
    const { usage } = table(20).difference();
    expect(usage.map((u) => [u.busyCpuSeconds, u.idleCpuSeconds, u.otherCpuSeconds, u.cpus])).toEqual([
      [10, 100, 0, 1],
      [10, 100, 0, 1],
    ]);
  });

  it('reads the recorded sums with the same scope as the raw path, unaggregated', () => {
    const config = { ...DEFAULTS, prometheus: { ...DEFAULTS.prometheus, selector: 'job="node"' } };
    const raw = historyQueries(config, 'P');
    const rec = historyQueries(config, 'P', true);
    expect(raw.map((q) => q.kind)).toEqual(['busy', 'idle', 'other', 'targets']);
    expect(rec.map((q) => q.kind)).toEqual(['recorded', 'targets']);
    for (const q of raw) expect(q.expr).not.toContain(RECORDED_CPU_SECONDS);
    expect(rec[0]!.expr).toBe(
      `${RECORDED_CPU_SECONDS}{job="node", cloud_project_name="P"} offset -1790s or ${RECORDED_CPUS}{job="node", cloud_project_name="P"} offset -1790s`
    );
    expect(rec[1]).toEqual(raw[3]);
    for (const q of rec) expect(q.expr).not.toContain('node_cpu_seconds_total');
    expect(cpuSeriesMatchers(config, 'P')).toEqual([
      'node_cpu_seconds_total{job="node", cloud_project_name="P", mode="idle"}',
      `${RECORDED_CPUS}{job="node", cloud_project_name="P"}`,
    ]);
    expect(cpuCountQuery(config, 'P')).toBe(
      `count by (${NAMES.join(', ')}) (node_cpu_seconds_total{job="node", cloud_project_name="P", mode="idle"})`
    );
  });
});

describe('boundary table', () => {
  it("gives each half-hour the CPU count of its own boot: a reboot on its closing boundary is the next one's", () => {
    const t = new BoundaryTable(T, T + 2 * H, NAMES);
    const all = (vals: Array<number | undefined>) =>
      [1, 2, 3].map((i) => ({ metric: target(i), values: points(vals) }));
    t.add('busy', [
      { metric: target(1), values: points([0, 100, 50]) },
      { metric: target(2), values: points([0, 10, 20]) },
      { metric: target(3), values: points([0, 100, 5]) },
    ]);
    t.add('idle', all([0, 1000, 1500]));
    t.add('other', all([0, 0, 0]));
    t.add('targets', [
      // h1 reboots 10 min into the second half-hour, h3 exactly on its closing boundary; h2's boot time wobbles
      { metric: { __name__: 'node_boot_time_seconds', ...target(1) }, values: points([5, 5, T + H + 600]) },
      { metric: { __name__: 'node_boot_time_seconds', ...target(2) }, values: points([5, 5.5, 5]) },
      { metric: { __name__: 'node_boot_time_seconds', ...target(3) }, values: points([5, 5, T + 2 * H]) },
      { metric: target(2), values: points([undefined, 2 ** 30, 2 ** 31]) }, // avg_over_time drops the name: memory
    ]);
    t.add('cpus', [
      { metric: target(1), values: points([2, 2, 4]) },
      { metric: target(2), values: points([1, 1, 1]) },
      { metric: target(3), values: points([2, 2, 4]) },
    ]);
    const { usage, irregular } = t.difference();
    expect(usage.map((u) => [u.labels.host, u.fromSeconds - T, u.busyCpuSeconds, u.cpus, u.memoryActiveBytes])).toEqual(
      [
        ['h1', 0, 100, 2, undefined],
        ['h2', 0, 10, 1, 2 ** 30],
        ['h2', H, 10, 1, 2 ** 31],
        ['h3', 0, 100, 2, undefined],
      ]
    );
    // reset + reboot: h1's half-hour is shared by both boots (the larger count), h3's is all the 2-CPU boot's
    expect(irregular.map((i) => [i.labels.host, i.fromSeconds - T, i.cpus])).toEqual([
      ['h1', H, 4],
      ['h3', H, 2],
    ]);
  });
});
