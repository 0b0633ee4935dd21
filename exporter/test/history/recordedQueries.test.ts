/** The choice between the node-cpu recording rules' series and the raw counters, and the queries of each path. */
import { coveredBoundaries, historyQueries, recordedProbeQuery, useRecorded, RECORDED_CPU_SECONDS, RECORDED_CPUS } from '../../src/history/queries';
import { DEFAULTS } from '../../src/config';

const T = Date.UTC(2026, 0, 1) / 1000;
const H = 1800;
const probe = (which: string, points: Array<[number, number]>) => ({ metric: { probe: which }, values: points });

describe('recorded series or raw counters', () => {
  it('covers a boundary only where every target has a recorded CPU count', () => {
    const cov = coveredBoundaries([
      probe('targets', [[T, 10], [T + H, 10], [T + 2 * H, 11], [T + 3 * H, 10]]),
      probe('recorded', [[T, 10], [T + H, 10], [T + 2 * H, 10]]), // one target short at 2H, rules absent at 3H
    ]);
    expect([...cov.entries()]).toEqual([[T, true], [T + H, true], [T + 2 * H, false], [T + 3 * H, false]]);
    expect(useRecorded(cov, T, T + H, H)).toBe(true);
    expect(useRecorded(cov, T, T + 2 * H, H)).toBe(false); // any uncovered boundary of the chunk: raw for the chunk
    expect(useRecorded(cov, T + 3 * H, T + 4 * H, H)).toBe(false);
    // boundaries where no target exists at all are not a reason to fall back
    expect(useRecorded(cov, T - 4 * H, T, H)).toBe(true);
  });

  it('falls back to raw when the probe failed or found nothing (no rules deployed)', () => {
    expect(useRecorded(undefined, T, T + H, H)).toBe(false);
    expect(useRecorded(new Map(), T, T + H, H)).toBe(false);
    expect(useRecorded(coveredBoundaries([probe('targets', [[T, 3], [T + H, 3]])]), T, T + H, H)).toBe(false);
  });

  it('reads the recorded sums with the same grouping, scope and tags as the raw path', () => {
    const config = { ...DEFAULTS, prometheus: { ...DEFAULTS.prometheus, selector: 'job="node"' } };
    const raw = historyQueries(config, 'P');
    const rec = historyQueries(config, 'P', true);
    expect(rec.map((q) => q.tag)).toEqual(raw.map((q) => q.tag));
    for (const q of raw) expect(q.expr).not.toContain(RECORDED_CPU_SECONDS);
    expect(rec[0]!.expr).toContain(`${RECORDED_CPU_SECONDS}{job="node", cloud_project_name="P", state="busy"} offset -1790s`);
    expect(rec[1]!.expr).toContain('state="idle"');
    expect(rec[2]!.expr).toContain('state="other"');
    expect(rec[2]!.expr).toContain(RECORDED_CPUS);
    for (const q of rec) expect(q.expr).not.toContain('node_cpu_seconds_total');
    // the by() list is the raw path's
    expect(rec[0]!.expr.match(/sum by \(([^)]*)\)/)![1]).toBe(raw[0]!.expr.match(/sum by \(([^)]*)\)/)![1]);
    expect(recordedProbeQuery(config, 'P')).toContain('node_boot_time_seconds{job="node", cloud_project_name="P"}');
  });
});
