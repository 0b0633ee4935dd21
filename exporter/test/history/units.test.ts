import { BoundaryTable, clampToCpus } from '../../src/history/boundaries';
import { rawIncrease } from '../../src/history/estimate';
import pLimit from 'p-limit';
import { chunkHours, completeHours, doneHours } from '../../src/history/plan';
import { Ownership, OwnershipError, hostNames, parseOwnershipText } from '../../src/ownership';
import { historyQueries, rawCpuQuery, targetCpuQuery } from '../../src/history/queries';
import { promString } from '../../src/sources/prometheus/promql';
import { InvalidQuery, parseRange, parseWhen } from '../../src/history/report';
import { DEFAULTS } from '../../src/config';
import { dataQualityLine, type SummaryT } from '../../src/cli/reportRender';

const T = Date.UTC(2026, 0, 1) / 1000;

describe('ownership records', () => {
  const csv = [
    'hostname,owner,created_time,deleted_time',
    'host-a,alice,2026-01-01T00:00:00Z,2026-01-02T00:00:00Z',
    'host-a,"bob, jr.",2026-01-01T12:00:00Z,',
    'host-b,carol,1767225600,null',
  ].join('\r\n');

  it('reads CSV with quotes, open intervals and unix seconds; later records win overlaps', () => {
    const o = new Ownership(parseOwnershipText(csv, 'owners.csv'));
    expect(o.ownerAt(['host-a'], T + 3600)).toBe('alice');
    expect(o.ownerAt(['host-a'], T + 13 * 3600)).toBe('bob, jr.'); // overlap: created later wins
    expect(o.ownerAt(['host-a'], T + 5 * 86400)).toBe('bob, jr.'); // open-ended
    expect(o.ownerAt(['HOST-B'], T)).toBe('carol');
    expect(o.ownerAt(['host-b'], T - 1)).toBeUndefined(); // before creation
    expect(o.ownerAt(['host-c'], T)).toBeUndefined();
  });

  it('deleted_time is exclusive', () => {
    const o = new Ownership(
      parseOwnershipText(
        JSON.stringify([{ hostname: 'h', owner: 'x', created_time: T, deleted_time: T + 10 }]),
        'o.json'
      )
    );
    expect(o.ownerAt(['h'], T + 9.9)).toBe('x');
    expect(o.ownerAt(['h'], T + 10)).toBeUndefined();
  });

  it('rejects bad records with the place of the error', () => {
    expect(() => parseOwnershipText('hostname,owner\nh,x', 'f.csv')).toThrow(/CSV header has no created_time/);
    expect(() => parseOwnershipText('[{"hostname":"h","owner":"x","created_time":"soon"}]', 'f.json')).toThrow(
      /f.json\[0\] created_time: not a time/
    );
    expect(() =>
      parseOwnershipText('[{"hostname":"h","owner":"x","created_time":10,"deleted_time":5}]', 'f.json')
    ).toThrow(OwnershipError);
    expect(() => parseOwnershipText('[{', 'f.json')).toThrow(/invalid JSON/);
  });

  it('matches a target by host label, instance host or its first DNS label (not an IP octet)', () => {
    expect(hostNames('172.16.0.1', 'host-172-16-0-1.nubes.example:9100')).toEqual([
      '172.16.0.1',
      'host-172-16-0-1.nubes.example',
      'host-172-16-0-1',
    ]);
    expect(hostNames('x', '10.0.0.1:9100')).toEqual(['x', '10.0.0.1']);
  });
});

describe('counter arithmetic', () => {
  it('rawIncrease: baseline within lookback, a reset only where the boot time changed, a drop re-baselines, no extrapolation', () => {
    const v: Array<[number, number]> = [
      [T - 15, 100],
      [T + 600, 160],
      [T + 1200, 5],
      [T + 1800, 50],
      [T + 1815, 60],
    ];
    const rebooted: Array<[number, number]> = [
      [T - 15, T - 86400],
      [T + 1200, T + 1190],
    ];
    expect(rawIncrease(v, T, T + 1800, 300, rebooted)).toEqual({ increase: 60 + 5 + 45, drops: 0 });
    // the same drop without a boot change (a CPU's backwards iowait) charges nothing and is counted
    const sameBoot: Array<[number, number]> = [
      [T - 15, T - 86400],
      [T + 1200, T - 86400 + 0.4],
    ];
    expect(rawIncrease(v, T, T + 1800, 300, sameBoot)).toEqual({ increase: 60 + 45, drops: 1 });
    expect(rawIncrease(v, T, T + 1800)).toEqual({ increase: 60 + 45, drops: 1 });
    expect(rawIncrease(v, T - 1000, T - 400).increase).toBe(0);
    expect(
      rawIncrease(
        [
          [T + 900, 10],
          [T + 1200, 20],
        ],
        T,
        T + 1800
      ).increase
    ).toBe(10); // born mid-way (a CPU back): first sample is the baseline
  });

  it('clampToCpus: a half-hour holds at most CPUs x 1,800 cpu-seconds, split kept', () => {
    const u = {
      labels: {},
      fromSeconds: T,
      busyCpuSeconds: 3000,
      idleCpuSeconds: 9000,
      otherCpuSeconds: 0,
      cpus: 4,
      memoryActiveBytes: undefined,
      regular: false,
    };
    const c = clampToCpus(u);
    expect(c.clamped).toBe(true);
    expect(c.usage.busyCpuSeconds + c.usage.idleCpuSeconds).toBeCloseTo(7200, 9);
    expect(c.usage.busyCpuSeconds / c.usage.idleCpuSeconds).toBeCloseTo(1 / 3, 12);
    expect(clampToCpus({ ...u, idleCpuSeconds: 4200 })).toEqual({
      usage: { ...u, idleCpuSeconds: 4200 },
      clamped: false,
    });
  });

  it('BoundaryTable: regular half-hours are boundary differences; resets and gaps are irregular', () => {
    const m = { instance: 'a:9100', job: 'node' };
    const s = (vals: Array<number | undefined>, metric: Record<string, string> = m) => ({
      metric,
      values: vals.flatMap((v, i) => (v === undefined ? [] : [[T + i * 1800, v] as [number, number]])),
    });
    const table = new BoundaryTable(T, T + 3 * 1800, ['job', 'instance']);
    table.add('busy', [s([0, 60, 30, undefined]), s([0, 40, 20, undefined])]); // two series of one target add up
    table.add('idle', [s([0, 1000, 2000, undefined])]);
    table.add('other', [s([0, 10, 20, undefined])]);
    table.add('cpus', [s([1, 1, 1, undefined])]);
    table.add('targets', [s([5, 5, 5, undefined], { ...m, __name__: 'node_boot_time_seconds' })]);
    const { usage, irregular } = table.difference();
    expect(usage.map((u) => [u.fromSeconds - T, u.busyCpuSeconds, u.idleCpuSeconds])).toEqual([[0, 100, 1000]]);
    expect(irregular.map((i) => i.fromSeconds - T)).toEqual([1800, 3600]);
  });

  it('BoundaryTable: a difference over CPUs x 1,800 s (a CPU back with its whole counter) is irregular; scrape timing is trimmed', () => {
    const m = { instance: 'a:9100', job: 'node' };
    const s = (vals: number[]) => ({ metric: m, values: vals.map((v, i) => [T + i * 1800, v] as [number, number]) });
    const table = new BoundaryTable(T, T + 2 * 1800, ['job', 'instance']);
    table.add('busy', [s([0, 3600, 3600 + 3660])]);
    table.add('idle', [s([0, 0, 0 + 50_000])]); // 2 CPUs: the second half-hour holds a returning CPU's past
    table.add('other', [s([0, 0, 0])]);
    table.add('cpus', [s([2, 2, 2])]);
    table.add('targets', [
      {
        metric: { ...m, __name__: 'node_boot_time_seconds' },
        values: [
          [T, 5],
          [T + 1800, 5],
          [T + 3600, 5],
        ],
      },
    ]);
    const { usage, irregular } = table.difference();
    expect(usage).toEqual([expect.objectContaining({ fromSeconds: T, busyCpuSeconds: 3600 })]);
    expect(irregular.map((i) => i.fromSeconds - T)).toEqual([1800]);
    const jitter = new BoundaryTable(T, T + 1800, ['job', 'instance']);
    jitter.add('busy', [s([0, 3630])]); // 0.8 % over: a boundary sample a scrape late
    jitter.add('idle', [s([0, 0])]);
    jitter.add('other', [s([0, 0])]);
    jitter.add('cpus', [s([2, 2])]);
    expect(jitter.difference().usage.map((u) => u.busyCpuSeconds)).toEqual([3600]);
  });

  it('BoundaryTable: a target without any "other" mode counts 0 there', () => {
    const m = { instance: 'b:9100', job: 'node' };
    const s = (vals: number[], metric: Record<string, string> = m) => ({
      metric,
      values: vals.map((v, i) => [T + i * 1800, v] as [number, number]),
    });
    const table = new BoundaryTable(T, T + 1800, ['job', 'instance']);
    table.add('busy', [s([10, 70])]);
    table.add('idle', [s([0, 1700])]);
    table.add('cpus', [s([1, 1])]);
    table.add('targets', [s([5, 5], { ...m, __name__: 'node_boot_time_seconds' })]);
    const { usage, irregular } = table.difference();
    expect(irregular).toEqual([]);
    expect(usage.map((u) => [u.busyCpuSeconds, u.idleCpuSeconds, u.otherCpuSeconds, u.cpus])).toEqual([
      [60, 1700, 0, 1],
    ]);
  });
});

describe('planning', () => {
  it('only complete hours, chunked, skipping done ones', () => {
    expect(completeHours(T, T + 5 * 3600, T + 3 * 3600 + 300, 300)).toEqual([T, T + 3600, T + 7200]);
    expect(chunkHours([T, T + 3600, T + 7200, T + 5 * 3600], 2)).toEqual([
      [T, T + 7200],
      [T + 7200, T + 3 * 3600],
      [T + 5 * 3600, T + 6 * 3600],
    ]);
    const done = doneHours(
      [
        { scope: '*', hourStartSeconds: T, status: 'ok', sumCheckRatio: 1, estimatedAtSeconds: 0 },
        { scope: 'P', hourStartSeconds: T + 3600, status: 'fallback', sumCheckRatio: 1, estimatedAtSeconds: 0 },
      ],
      'P'
    );
    expect([...done]).toEqual([T]);
  });
});

describe('the backfill limiter (p-limit)', () => {
  it('runs at most n tasks at a time, all of them, in order', async () => {
    const limit = pLimit(2);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (i: number) =>
      limit(async () => {
        started.push(i);
        peak = Math.max(peak, ++active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        if (i === 3) throw new Error('boom');
        return i;
      });
    const out = await Promise.allSettled([0, 1, 2, 3, 4, 5].map(task));
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(out.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
  });
});

describe('queries', () => {
  it('escapes hostile values into PromQL string literals', () => {
    expect(promString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    const qs = historyQueries(
      { ...DEFAULTS, prometheus: { ...DEFAULTS.prometheus, selector: 'job="node"' } },
      'P"}or vector(1)#'
    );
    for (const { expr } of qs) expect(expr).toContain('cloud_project_name="P\\"}or vector(1)#"');
    expect(qs.map((q) => q.kind)).toEqual(['busy', 'idle', 'other', 'targets']);
    expect(qs[3]!.expr).toContain('avg_over_time(node_memory_Active_bytes');
    expect(rawCpuQuery(DEFAULTS, ['a.b:9100', 'c|d'], 2100)).toContain('instance=~"a\\\\.b:9100|c\\\\|d"');
    // a target that lived between boundaries is matched on every label, so a reused instance cannot match another VM
    expect(
      targetCpuQuery(DEFAULTS, { job: 'node', instance: 'a:9100', cloud_project_name: 'P"x', host: 'h' }, 3600, 'P"x')
    ).toBe(
      '{__name__=~"node_cpu_seconds_total|node_boot_time_seconds", cloud_project_name="P\\"x", job="node", instance="a:9100", host="h"}[3600s]'
    );
  });
});

describe('REST date parameters', () => {
  it('dates are whole UTC days; date-times need a zone', () => {
    expect(parseWhen('2026-01-01', 'from')).toBe(T);
    expect(parseWhen('2026-01-01', 'to')).toBe(T + 86400);
    expect(parseWhen('2026-01-01T01:30:00+01:00', 'from')).toBe(T + 1800);
    expect(() => parseWhen('2026-01-01T01:30', 'from')).toThrow(InvalidQuery);
    expect(parseRange('2026-01-01T00:30Z', '2026-01-01T01:10Z', T + 86400)).toEqual({
      fromSeconds: T,
      toSeconds: T + 7200,
    });
  });
});

describe('the data-quality line', () => {
  const q = (sumCheck: SummaryT['data_quality']['sum_check']) =>
    dataQualityLine({
      fallback_gCo2eq: 0,
      data_quality: {
        hours_expected: 5,
        hours_estimated: 5,
        hours_failed: 0,
        hours_fallback: 0,
        hours_missing: 0,
        sum_check: sumCheck,
      },
    } as SummaryT);

  it('says the sum-check was not run, not that it held, when no hour had CPU samples', () => {
    const line = q({ hours_checked: 0, hours_off: 0, hours_without_samples: 5, held: null, tolerance_ratio: 0.02 });
    expect(line).toContain('CPU-time sum-check not run (no CPU samples)');
    expect(line).toContain('5 had no node_exporter CPU samples (counted as no use)');
    expect(line).not.toContain('held');
  });

  it('counts the hours without samples beside a sum-check that ran', () => {
    const line = q({ hours_checked: 3, hours_off: 1, hours_without_samples: 2, held: false, tolerance_ratio: 0.02 });
    expect(line).toContain('CPU-time sum-check off in 1 of 3 hours; 2 had no node_exporter CPU samples');
  });
});
