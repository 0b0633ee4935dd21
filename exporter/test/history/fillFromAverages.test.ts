/** The pure fill of failed hours from machine averages. */
import { fillFailedHours, rowsFromAverages } from '../../src/history/fillFromAverages';
import type { HourResult, Level, UsageRow } from '../../src/history/types';
import type { MachineAverage } from '../../src/store/usage/types';

const H = Date.UTC(2026, 10, 1) / 1000;

const row = (level: Level, key: string, machine: string, hour: number, busy: number, idle: number): UsageRow => ({
  level,
  key,
  project: 'IDAaaS',
  machine,
  hourStartSeconds: hour,
  busyCpuSeconds: busy,
  idleCpuSeconds: idle,
  busyJoules: busy * 10,
  idleJoules: idle * 5,
  busyGrams: busy,
  idleGrams: idle,
  fallbackGrams: 0,
  runtimeSeconds: busy / 4,
});

const avg = (machine: string, k: number): MachineAverage => ({
  machine,
  workspaceDays: 1,
  busyKwhPerWorkspaceDay: 0,
  idleKwhPerWorkspaceDay: 0,
  busyGramsPerWorkspaceDay: 0,
  idleGramsPerWorkspaceDay: 0,
  workspaceHours: 10,
  perWorkspaceHour: {
    busyCpuSeconds: 100 * k,
    idleCpuSeconds: 200 * k,
    busyJoules: 1000 * k,
    idleJoules: 2000 * k,
    busyGrams: 3 * k,
    idleGrams: 4 * k,
  },
});

// two Muon hosts (one user each) and one Artemis host of alice: every level adds up to the same total
const reference = (h: number): UsageRow[] => [
  row('host', 'm1', 'Muon', h, 300, 300),
  row('host', 'm2', 'Muon', h, 100, 500),
  row('host', 'a1', 'Artemis', h, 50, 50),
  row('user', 'alice', 'Muon', h, 300, 300),
  row('user', 'bob', 'Muon', h, 100, 500),
  row('user', 'alice', 'Artemis', h, 50, 50),
  row('project', 'IDAaaS', 'Muon', h, 400, 800),
  row('project', 'IDAaaS', 'Artemis', h, 50, 50),
];

const ok = (h: number): HourResult => ({
  scope: '*',
  hourStartSeconds: h,
  status: 'ok',
  sumCheckRatio: 1,
  rows: reference(h),
});
const failed = (h: number): HourResult => ({
  scope: '*',
  hourStartSeconds: h,
  status: 'failed',
  error: 'injected outage',
  sumCheckRatio: null,
  rows: [],
});

describe('fill from machine averages', () => {
  const averages = new Map([
    ['Muon', avg('Muon', 1)],
    ['Artemis', avg('Artemis', 2)],
  ]);

  it('gives each (project, machine type) its average x the workspaces seen, split by the reference shares', () => {
    const rows = rowsFromAverages(reference(H), H + 3600, averages)!;
    expect(rows.every((r) => r.hourStartSeconds === H + 3600 && r.fallbackGrams === 0)).toBe(true);
    const total = (level: Level, machine: string, f: (r: UsageRow) => number) =>
      rows.filter((r) => r.level === level && r.machine === machine).reduce((a, r) => a + f(r), 0);
    for (const level of ['host', 'user', 'project'] as const) {
      expect(total(level, 'Muon', (r) => r.busyCpuSeconds)).toBeCloseTo(2 * 100, 9);
      expect(total(level, 'Muon', (r) => r.idleJoules)).toBeCloseTo(2 * 2000, 9);
      expect(total(level, 'Artemis', (r) => r.busyGrams)).toBeCloseTo(1 * 6, 9);
    }
    // equal cpu-seconds in the reference: equal shares
    const m1 = rows.find((r) => r.level === 'host' && r.key === 'm1')!;
    expect(m1.busyCpuSeconds).toBeCloseTo(100, 9);
    expect(m1.runtimeSeconds).toBeCloseTo(100 / 4, 9); // the same vCPUs as the reference
  });

  it('leaves out machine types without an average, and gives nothing when none has one', () => {
    const rows = rowsFromAverages(reference(H), H, new Map([['Muon', avg('Muon', 1)]]))!;
    expect(new Set(rows.map((r) => r.machine))).toEqual(new Set(['Muon']));
    expect(rowsFromAverages(reference(H), H, new Map())).toBeUndefined();
  });

  it('fills failed hours from the nearest measured hour, flagged; without one or when not fillable they stay failed', () => {
    const list = [avg('Muon', 1), avg('Artemis', 2)];
    const input = [ok(H), failed(H + 3600), failed(H + 7200), ok(H + 3 * 3600)];
    const out = fillFailedHours(input, list);
    expect(out.map((r) => r.status)).toEqual(['ok', 'machine_averages', 'machine_averages', 'ok']);
    expect(out[1]).toMatchObject({
      sumCheckRatio: null,
      error: expect.stringMatching(/machine averages.*injected/) as string,
    });
    expect(out[1]!.rows.every((r) => r.hourStartSeconds === H + 3600)).toBe(true);
    expect(out[0]).toBe(input[0]); // measured hours pass through untouched
    expect(fillFailedHours([failed(H), failed(H + 3600)], list).map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(fillFailedHours([ok(H), failed(H + 3600)], list, () => false)[1]!.status).toBe('failed');
    expect(fillFailedHours([ok(H), failed(H + 3600)], [])[1]!.status).toBe('failed');
  });
});
