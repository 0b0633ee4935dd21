// History rows take user and experiment from the same resolver as live tracking.
import { attributeRange } from '../../src/history/attribution';
import type { HalfHourUsage } from '../../src/history/boundaries';
import { DEFAULTS } from '../../src/config/defaults';
import { Ownership } from '../../src/ownership';

const H = Date.UTC(2026, 5, 1, 10) / 1000;

const usage = (labels: Record<string, string>, fromSeconds: number): HalfHourUsage => ({
  labels,
  fromSeconds,
  busyCpuSeconds: 900,
  idleCpuSeconds: 2700,
  otherCpuSeconds: 0,
  cpus: 2,
  memoryActiveBytes: undefined,
  regular: true,
});

const keysAt = (level: 'user' | 'experiment', rows: ReturnType<typeof attributeRange>) =>
  [...rows.values()].flatMap((a) => a.rows.filter((r) => r.level === level).map((r) => r.key)).sort();

describe('history attribution with ownership records', () => {
  const ada = { cloud_project_name: 'IDAaaS', machine_name: 'Muon', instance: 'ws-1.nubes.example:9100' };
  const ownership = new Ownership([
    { hostname: 'ws-1', owner: 'alice', createdSeconds: H - 3600, deletedSeconds: H + 1800, experiment: 'RB1' },
    { hostname: 'ws-1', owner: 'bob', createdSeconds: H + 1800 },
  ]);
  const ctx = (config = DEFAULTS) => ({
    config,
    ownership,
    intensity: () => ({ gramsPerKwh: 100, source: 'actual' as const }),
  });

  it('user and experiment per half-hour from the record covering it', () => {
    const rows = attributeRange(H, H + 3600, [usage(ada, H), usage(ada, H + 1800)], ctx());
    expect(keysAt('user', rows)).toEqual(['alice', 'bob']);
    expect(keysAt('experiment', rows)).toEqual(['RB1', 'unknown']);
  });

  it('labels set on the target win where they are set', () => {
    const config = { ...DEFAULTS, labels: { ...DEFAULTS.labels, user: 'user', experiment: 'experiment' } };
    const rows = attributeRange(
      H,
      H + 3600,
      [usage({ ...ada, user: 'label-user' }, H), usage({ ...ada, experiment: 'LABEL-EXP' }, H + 1800)],
      ctx(config)
    );
    expect(keysAt('user', rows)).toEqual(['bob', 'label-user']);
    expect(keysAt('experiment', rows)).toEqual(['LABEL-EXP', 'RB1']);
  });
});
