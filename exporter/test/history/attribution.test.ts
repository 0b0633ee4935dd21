/** attributeRange: pure half-hour usage -> rows per level and hour. */
import { attributeRange, type SlotIntensity } from '../../src/history/attribution';
import type { HalfHourUsage } from '../../src/history/boundaries';
import { DEFAULTS } from '../../src/config';

const H = Date.UTC(2026, 10, 1, 23) / 1000; // 23:00Z: the next hour is another day
const labels = (host: string) => ({
  instance: `${host}:9100`,
  host,
  cloud_project_name: 'IDAaaS',
  machine_name: 'Muon',
});
const usage = (host: string, fromSeconds: number, busy: number, idle: number, cpus = 4): HalfHourUsage => ({
  labels: labels(host),
  fromSeconds,
  busyCpuSeconds: busy,
  idleCpuSeconds: idle,
  otherCpuSeconds: 0,
  cpus,
  memoryActiveBytes: undefined,
  regular: true,
});
const fallback = (): SlotIntensity => ({ gramsPerKwh: 200, source: 'fallback' });
const actual = (): SlotIntensity => ({ gramsPerKwh: 100, source: 'actual' });

describe('attributeRange', () => {
  it('every level adds up to the same hour total, with the machine profile and the half-hour intensity', () => {
    const out = attributeRange(
      H,
      H + 3600,
      [usage('a', H, 3600, 3600), usage('a', H + 1800, 1800, 5400), usage('b', H, 0, 7200)],
      { config: DEFAULTS, intensity: actual }
    );
    const rows = out.get(H)!.rows;
    const joules = (lv: string) =>
      rows.filter((r) => r.level === lv).reduce((s, r) => s + r.busyJoules + r.idleJoules, 0);
    // default profile: 12 W busy and 1.44 W idle per CPU-second of each state
    const want = (3600 + 1800) * 12 + (3600 + 5400 + 7200) * 1.44;
    for (const lv of ['site', 'project', 'machine', 'host', 'experiment', 'user'])
      expect(joules(lv)).toBeCloseTo(want, 6);
    expect(
      rows
        .filter((r) => r.level === 'host')
        .map((r) => r.key)
        .sort()
    ).toEqual(['a', 'b']);
    expect(rows.find((r) => r.level === 'site')!.busyGrams).toBeCloseTo(((5400 * 12) / 3.6e6) * 100, 9);
    expect(out.get(H)!.cpuCapacitySeconds).toBe(3 * 4 * 1800);
  });

  it('a target that counted nothing writes no row and does not flag the hour as fallback, but stays in the sum-check', () => {
    // host "late" first appears on the closing boundary of 23:30; host "early" ran all hour at the fallback intensity
    const out = attributeRange(H, H + 7200, [usage('late', H + 1800, 0, 0), usage('early', H + 3600, 100, 7100)], {
      config: DEFAULTS,
      intensity: (t) => (t >= H + 3600 ? fallback() : actual()),
    });
    const first = out.get(H)!;
    expect(first.rows).toEqual([]);
    expect(first.fallbackUsed).toBe(false);
    expect(first.cpuCapacitySeconds).toBe(4 * 1800); // a regular target with zero counted is a sum-check failure, not a gap
    expect(first.allModesCpuSeconds).toBe(0);
    const second = out.get(H + 3600)!;
    expect(second.fallbackUsed).toBe(true);
    expect(second.rows.map((r) => `${r.level}:${r.key}`)).toContain('host:early');
  });
});
