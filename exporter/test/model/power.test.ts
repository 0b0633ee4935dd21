import { intervalEnergy, meanWatts, staticWatts, type PowerProfile } from '../../src/model/power';
import { gramsFor, joulesToKwh } from '../../src/model/units';
import { modeState, BUSY_MODES, IDLE_MODES } from '../../src/model/modes';

const ada: PowerProfile = { busyWattsPerCpu: 12, idleWattsPerCpu: 1, memoryWattsPerGiB: 0, otherWatts: 0 };

describe('power model', () => {
  it('reproduces the original worked example: 8,313.1 busy s + 28,564,580 idle s -> 7.96 kWh, 1,472.6 g at 185', () => {
    const e = intervalEnergy(ada, 1, { busyCpuSeconds: 8313.1, idleCpuSeconds: 28564580, elapsedSeconds: 3600 });
    const kwh = joulesToKwh(e.busyJoules + e.idleJoules);
    expect(kwh).toBeCloseTo(7.9624, 3);
    expect(gramsFor(e.busyJoules + e.idleJoules, 185)).toBeCloseTo(1473.04, 1);
    expect(joulesToKwh(e.busyJoules)).toBeCloseTo((8313.1 * 12) / 3.6e6, 9);
    expect(joulesToKwh(e.idleJoules)).toBeCloseTo(28564580 / 3.6e6, 9);
  });

  it('charges an idle CPU its idle wattage, not 0 W', () => {
    const p: PowerProfile = { busyWattsPerCpu: 12, idleWattsPerCpu: 1.44, memoryWattsPerGiB: 0, otherWatts: 0 };
    const e = intervalEnergy(p, 1, { busyCpuSeconds: 0, idleCpuSeconds: 4 * 3600, elapsedSeconds: 3600 });
    expect(e.busyJoules).toBe(0);
    expect(e.idleJoules).toBeCloseTo(4 * 3600 * 1.44, 9);
    expect(meanWatts(e, 3600).watts).toBeCloseTo(4 * 1.44, 9);
  });

  it('shares memory and other power by the busy share of CPU time and applies PUE to all of it', () => {
    const p: PowerProfile = { busyWattsPerCpu: 10, idleWattsPerCpu: 2, memoryWattsPerGiB: 0.5, otherWatts: 3 };
    // 2 CPUs for 100 s: 50 busy cpu-s, 150 idle cpu-s; 4 GiB active -> 2 W memory + 3 W other = 5 W static
    const e = intervalEnergy(p, 1.5, {
      busyCpuSeconds: 50,
      idleCpuSeconds: 150,
      elapsedSeconds: 100,
      memoryActiveBytes: 4 * 1024 ** 3,
    });
    expect(e.busyJoules).toBeCloseTo((50 * 10 + 500 * 0.25) * 1.5, 9);
    expect(e.idleJoules).toBeCloseTo((150 * 2 + 500 * 0.75) * 1.5, 9);
  });

  it('uses a fixed memory figure when memoryWatts is set', () => {
    const p: PowerProfile = {
      busyWattsPerCpu: 10,
      idleWattsPerCpu: 2,
      memoryWattsPerGiB: 0.5,
      memoryWatts: 20,
      otherWatts: 30,
    };
    expect(staticWatts(p, 64 * 1024 ** 3)).toBe(50);
    expect(staticWatts({ ...p, memoryWatts: undefined }, undefined)).toBe(30);
  });

  it('never returns negative energy for negative inputs', () => {
    const e = intervalEnergy(ada, 1, { busyCpuSeconds: -5, idleCpuSeconds: -1, elapsedSeconds: -10 });
    expect(e).toEqual({ busyJoules: 0, idleJoules: 0 });
    expect(meanWatts(e, 0)).toEqual({ watts: 0, idleWatts: 0 });
  });

  it('classifies every node_exporter mode once: iowait idle, steal neither', () => {
    expect(BUSY_MODES.map(modeState)).toEqual(BUSY_MODES.map(() => 'busy'));
    expect(IDLE_MODES.map(modeState)).toEqual(['idle', 'idle']);
    expect(modeState('iowait')).toBe('idle');
    expect(modeState('steal')).toBeUndefined();
  });
});
