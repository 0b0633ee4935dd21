import { idleDayJoules, idleTotalsBy, isIdle, meanForecast, type IdleInput } from '../../src/green';
import { intervalEnergy } from '../../src/model/power';

const GiB = 1024 ** 3;
const profile = { busyWattsPerCpu: 12, idleWattsPerCpu: 1.44, memoryWattsPerGiB: 0.3725, otherWatts: 0 };

const ws = (over: Partial<IdleInput>): IdleInput => ({
  site: 'isis',
  project: 'IDAaaS',
  machine: 'Muon',
  host: 'h',
  user: 'u',
  cpus: 8,
  idleRatio: 0.99,
  powerWatts: 15,
  idlePowerWatts: 14,
  idleJoules: 1000,
  idleGrams: 0.05,
  lastMemoryActiveBytes: 4 * GiB,
  status: 'active',
  ...over,
});

describe('idle savings by the tracking power model', () => {
  it('a fully idle day: 8 vCPU x 1.44 W + 4 GiB x 0.3725 W, x PUE 1.2, x 86,400 s', () => {
    // (11.52 + 1.49) W x 1.2 = 15.612 W -> 1,348,876.8 J = 0.374688 kWh
    expect(idleDayJoules(profile, 1.2, 8, 4 * GiB)).toBeCloseTo(1_348_876.8, 6);
    // the same number intervalEnergy gives for a day of idle CPU time: one model, not a copy
    const e = intervalEnergy(profile, 1.2, {
      busyCpuSeconds: 0,
      idleCpuSeconds: 8 * 86400,
      elapsedSeconds: 86400,
      memoryActiveBytes: 4 * GiB,
    });
    expect(e.busyJoules).toBe(0);
    expect(idleDayJoules(profile, 1.2, 8, 4 * GiB)).toBe(e.idleJoules);
    // unknown memory counts 0 W (as tracking does)
    expect(idleDayJoules(profile, 1, 4)).toBeCloseTo(4 * 1.44 * 86400, 6);
  });

  it('idle means active with an idle ratio at or above the threshold', () => {
    expect(isIdle(ws({ idleRatio: 0.95 }), 0.95)).toBe(true);
    expect(isIdle(ws({ idleRatio: 0.94 }), 0.95)).toBe(false);
    expect(isIdle(ws({ idleRatio: null }), 0.95)).toBe(false);
    expect(isIdle(ws({ status: 'missing' }), 0.95)).toBe(false);
  });

  it('groups: counts, idle watts of all, and the projected day of the idle ones at the given intensity', () => {
    const list = [
      ws({ host: 'a' }),
      ws({ host: 'b', idleRatio: 0.5, idlePowerWatts: 3, idleJoules: 500, idleGrams: 0.02 }),
      ws({ host: 'c', project: 'CDAaaS', site: 'clf', cpus: 4, lastMemoryActiveBytes: undefined }),
      ws({ host: 'd', status: 'missing' }),
    ];
    const t = idleTotalsBy(
      list,
      { profileFor: () => profile, pue: 1.2, idleRatioThreshold: 0.95, gramsPerKwh: 150 },
      (w) => w.site
    );
    expect([...t.keys()].sort()).toEqual(['clf', 'isis']);
    const isis = t.get('isis')!;
    expect(isis).toMatchObject({
      workspaces: 2,
      idleWorkspaces: 1,
      idlePowerWatts: 17,
      idleJoules: 1500,
      idleGrams: 0.07,
    });
    expect(isis.shutdownSavingJoulesPerDay).toBeCloseTo(1_348_876.8, 6);
    expect(isis.shutdownSavingGramsPerDay).toBeCloseTo(0.374688 * 150, 9); // 56.2032 g
    const clf = t.get('clf')!;
    expect(clf.shutdownSavingJoulesPerDay).toBeCloseTo(4 * 1.44 * 1.2 * 86400, 6);
  });

  it('mean forecast over the next hours from the current slot', () => {
    const t0 = 1_800_000_000 - (1_800_000_000 % 1800);
    const slots = [100, 200, null, 300].map((v, i) => ({ fromSeconds: t0 + i * 1800, forecast: v }));
    expect(meanForecast(slots, t0 + 100, 1)).toBe(150);
    expect(meanForecast(slots, t0 + 100, 24)).toBe(200);
    expect(meanForecast(slots, t0 + 7200, 24)).toBeNull();
  });
});
