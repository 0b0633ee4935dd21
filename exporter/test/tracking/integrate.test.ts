import { integrateCycle, needsDetail, targetKey, workspaceId, type CycleContext } from '../../src/tracking/integrate';
import { physicalLimitWatts } from '../../src/model/power';
import type { TargetObservation, WorkspaceState } from '../../src/tracking/types';

const profile = { busyWattsPerCpu: 12, idleWattsPerCpu: 1.5, memoryWattsPerGiB: 0, otherWatts: 6 };
const ctx = (nowSeconds: number, extra: Partial<CycleContext> = {}): CycleContext => ({
  nowSeconds,
  pue: 1,
  profileFor: () => profile,
  gramsPerKwh: 200,
  intensityIsFallback: false,
  closeAfterSeconds: 600,
  ...extra,
});
const labels = {
  site: 'isis',
  project: 'IDAaaS',
  machine: 'Muon',
  host: '172.16.0.1',
  user: 'unknown',
  experiment: 'unknown',
};
const BOOT = 1_000_000;
const obs = (busy: number, idle: number, extra: Partial<TargetObservation> = {}): TargetObservation => ({
  job: 'node',
  instance: 'h1:9100',
  labels,
  up: true,
  bootTimeSeconds: BOOT,
  cpus: 4,
  busyCpuSeconds: busy,
  idleCpuSeconds: idle,
  memoryActiveBytes: 0,
  ...extra,
});
const J = (busy: number, idle: number, seconds: number) => {
  const share = busy + idle > 0 ? busy / (busy + idle) : 0;
  return { busy: busy * 12 + 6 * seconds * share, idle: idle * 1.5 + 6 * seconds * (1 - share) };
};

const wid = (boot: number) => workspaceId(obs(0, 0), boot);

function run(states: Map<string, WorkspaceState>, o: TargetObservation[], at: number, extra?: Partial<CycleContext>) {
  return integrateCycle(states, o, ctx(at, extra));
}

describe('integrateCycle', () => {
  it('charges a new workspace its counters since boot, then only increases', () => {
    const first = run(new Map(), [obs(100, 900)], BOOT + 1000);
    const w1 = first.open.get(wid(BOOT))!;
    const e1 = J(100, 900, 1000);
    expect(w1.busyJoules).toBeCloseTo(e1.busy, 9);
    expect(w1.idleJoules).toBeCloseTo(e1.idle, 9);
    expect(w1.busyGrams).toBeCloseTo((e1.busy / 3.6e6) * 200, 12);

    const second = run(first.open, [obs(160, 1080)], BOOT + 1060);
    const w2 = second.open.get(w1.id)!;
    const e2 = J(60, 180, 60);
    expect(w2.busyJoules - w1.busyJoules).toBeCloseTo(e2.busy, 9);
    expect(w2.idleJoules - w1.idleJoules).toBeCloseTo(e2.idle, 9);
    expect(w2.powerWatts).toBeCloseTo((e2.busy + e2.idle) / 60, 9);
    expect(w2.idlePowerWatts).toBeCloseTo(e2.idle / 60, 9);
    expect(w2.idleRatio).toBeCloseTo(0.75, 12);
  });

  it('loses nothing across missed cycles: one long step equals many short ones', () => {
    let step = run(new Map(), [obs(0, 0)], BOOT);
    const long = run(step.open, [obs(600, 1800)], BOOT + 600).open;
    for (let i = 1; i <= 10; i++) step = run(step.open, [obs(60 * i, 180 * i)], BOOT + 60 * i);
    const a = [...long.values()][0]!;
    const b = [...step.open.values()][0]!;
    expect(a.busyJoules).toBeCloseTo(b.busyJoules, 6);
    expect(a.idleJoules).toBeCloseTo(b.idleJoules, 6);
  });

  it('keeps a vanished workspace open as missing, then closes it after closeAfterSeconds', () => {
    const first = run(new Map(), [obs(10, 10)], BOOT + 100);
    const missing = run(first.open, [], BOOT + 200);
    const id = wid(BOOT);
    expect(missing.open.get(id)?.status).toBe('missing');
    expect(missing.open.get(id)?.busyJoules).toBe(first.open.get(id)?.busyJoules);
    const closed = run(missing.open, [], BOOT + 100 + 601);
    expect(closed.open.size).toBe(0);
    expect(closed.changed).toEqual([expect.objectContaining({ id, status: 'closed', closedAtSeconds: BOOT + 100 })]);
  });

  it('treats a target that is down or lacks counters as not seen, and catches up when it returns', () => {
    const first = run(new Map(), [obs(10, 10)], BOOT + 100);
    const down = run(first.open, [obs(20, 20, { up: false })], BOOT + 160);
    const id = wid(BOOT);
    expect(down.open.get(id)?.status).toBe('missing');
    const noCounters = run(down.open, [obs(0, 0, { busyCpuSeconds: undefined })], BOOT + 220);
    expect(noCounters.open.get(id)?.lastSeenSeconds).toBe(BOOT + 100);
    const back = run(noCounters.open, [obs(70, 250)], BOOT + 280).open.get(id)!;
    const e = J(60, 240, 180);
    expect(back.busyJoules - first.open.get(id)!.busyJoules).toBeCloseTo(e.busy, 9);
    expect(back.status).toBe('active');
  });

  it('closes the old workspace and opens a new one on reboot; counters never go backwards', () => {
    const first = run(new Map(), [obs(500, 500)], BOOT + 1000);
    const old = first.open.get(wid(BOOT))!;
    const reboot = BOOT + 2000;
    const after = run(first.open, [obs(5, 15, { bootTimeSeconds: reboot })], reboot + 10);
    const fresh = after.open.get(wid(reboot))!;
    expect(after.open.has(old.id)).toBe(false);
    expect(after.changed.find((s) => s.id === old.id)).toMatchObject({ status: 'closed', busyJoules: old.busyJoules });
    expect(fresh.busyJoules).toBeCloseTo(J(5, 15, 10).busy, 9);
  });

  it('re-baselines a counter that drops without a reboot: the drop charges nothing', () => {
    const first = run(new Map(), [obs(500, 500)], BOOT + 1000);
    const id = wid(BOOT);
    const r = run(first.open, [obs(6, 554)], BOOT + 1060);
    const after = r.open.get(id)!;
    const before = first.open.get(id)!;
    expect(after.busyCpuSecondsTotal - before.busyCpuSecondsTotal).toBe(0);
    expect(after.idleCpuSecondsTotal - before.idleCpuSecondsTotal).toBe(54);
    expect(r.anomalies.map((a) => a.kind)).toEqual(['counter_drop']);
    // the next reading counts from the new baseline
    const next = run(r.open, [obs(16, 600)], BOOT + 1120).open.get(id)!;
    expect(next.busyCpuSecondsTotal - after.busyCpuSecondsTotal).toBe(10);
  });

  it('charges the per-CPU detail when a CPU goes offline, and asks for it only for that target', () => {
    const first = run(new Map(), [obs(400, 3600)], BOOT + 1000);
    const offline = [obs(300, 2900, { cpus: 3 })];
    expect(needsDetail(first.open, offline)).toEqual([{ job: 'node', instance: 'h1:9100', sinceSeconds: BOOT + 1000 }]);
    expect(needsDetail(first.open, [obs(410, 3650)])).toEqual([]);
    const detail = new Map([[targetKey('node', 'h1:9100'), { busyCpuSeconds: 30, idleCpuSeconds: 150 }]]);
    const r = run(first.open, offline, BOOT + 1060, { detail });
    const w = r.open.get(wid(BOOT))!;
    const before = first.open.get(wid(BOOT))!;
    expect(w.busyCpuSecondsTotal - before.busyCpuSecondsTotal).toBe(30);
    expect(w.idleCpuSecondsTotal - before.idleCpuSecondsTotal).toBe(150);
    expect(w.busyJoules - before.busyJoules).toBeCloseTo(J(30, 150, 60).busy, 9);
    expect(r.anomalies.map((a) => a.kind).sort()).toEqual(['counter_drop', 'cpu_set_change']);
    // the new sums are the baseline from now on
    const next = run(r.open, [obs(330, 3000, { cpus: 3 })], BOOT + 1120).open.get(wid(BOOT))!;
    expect(next.busyCpuSecondsTotal - w.busyCpuSecondsTotal).toBe(30);
  });

  it('re-baselines both sums when the CPU set changed and no detail answered: a returning CPU adds nothing', () => {
    const first = run(new Map(), [obs(400, 3600, { cpus: 3 })], BOOT + 1000);
    const r = run(first.open, [obs(900, 9000, { cpus: 4 })], BOOT + 1060);
    const w = r.open.get(wid(BOOT))!;
    expect(w.busyCpuSecondsTotal).toBe(first.open.get(wid(BOOT))!.busyCpuSecondsTotal);
    expect(w.cpus).toBe(4);
    expect(r.anomalies.map((a) => a.kind)).toEqual(['cpu_set_change']);
  });

  it('clamps counters that claim more than CPUs x elapsed to the physical limit, and reports it', () => {
    const first = run(new Map(), [obs(400, 3600)], BOOT + 1000);
    const r = run(first.open, [obs(400 + 600, 3600 + 600)], BOOT + 1060); // 1,200 cpu-s in 60 s on 4 CPUs
    const w = r.open.get(wid(BOOT))!;
    const before = first.open.get(wid(BOOT))!;
    expect(
      w.busyCpuSecondsTotal - before.busyCpuSecondsTotal + w.idleCpuSecondsTotal - before.idleCpuSecondsTotal
    ).toBeCloseTo(240, 9);
    expect(w.busyCpuSecondsTotal - before.busyCpuSecondsTotal).toBeCloseTo(120, 9);
    const gained = w.busyJoules + w.idleJoules - before.busyJoules - before.idleJoules;
    expect(gained).toBeLessThanOrEqual(physicalLimitWatts(profile, 4, 0) * 60 + 1e-9);
    expect(r.anomalies.map((a) => a.kind)).toEqual(['over_limit']);
  });

  it("measures intervals between the counters' scrapes when known, not between cycles", () => {
    const first = run(new Map(), [obs(100, 300, { scrapeSeconds: BOOT + 98 })], BOOT + 100);
    const second = run(first.open, [obs(100, 300 + 4 * 50, { scrapeSeconds: BOOT + 148 })], BOOT + 160);
    const w = second.open.get(wid(BOOT))!;
    expect(w.lastSampleSeconds).toBe(BOOT + 148);
    expect(w.idleJoules - first.open.get(wid(BOOT))!.idleJoules).toBeCloseTo(J(0, 200, 50).idle, 9);
    expect(second.anomalies).toEqual([]); // 200 cpu-s in 50 s on 4 CPUs: not over the limit
  });

  it('keeps one workspace per VM: a boot time that wobbles under a second, or another job, continues it', () => {
    const first = run(new Map(), [obs(100, 300)], BOOT + 100);
    const wobble = run(first.open, [obs(110, 330, { bootTimeSeconds: BOOT + 0.6 })], BOOT + 160);
    expect([...wobble.open.keys()]).toEqual([wid(BOOT)]);
    const otherJob = run(wobble.open, [obs(120, 360, { job: 'node-b' })], BOOT + 220);
    expect([...otherJob.open.keys()]).toEqual([wid(BOOT)]);
    expect(otherJob.open.get(wid(BOOT))!.busyCpuSecondsTotal).toBe(120);
  });

  it('counts runtime seconds as busy cpu-seconds over the vCPUs: idle time adds nothing', () => {
    const first = run(new Map(), [obs(100, 900)], BOOT + 1000);
    expect(first.open.get(wid(BOOT))!.runtimeSeconds).toBeCloseTo(25, 12);
    const idle = run(first.open, [obs(100, 900 + 240)], BOOT + 1060);
    expect(idle.open.get(wid(BOOT))!.runtimeSeconds).toBeCloseTo(25, 12);
    const busy = run(idle.open, [obs(100 + 240, 1140)], BOOT + 1120); // all 4 CPUs busy for 60 s
    expect(busy.open.get(wid(BOOT))!.runtimeSeconds).toBeCloseTo(85, 12);
  });

  it('starts the runtime of a state saved without it from its busy cpu-seconds over its vCPUs', () => {
    const first = run(new Map(), [obs(100, 900)], BOOT + 1000);
    const old = { ...first.open.get(wid(BOOT))! };
    delete old.runtimeSeconds;
    const next = run(new Map([[old.id, old]]), [obs(160, 1080)], BOOT + 1060);
    expect(next.open.get(wid(BOOT))!.runtimeSeconds).toBeCloseTo(100 / 4 + 60 / 4, 12);
  });

  it('marks grams computed with the fallback intensity', () => {
    const r = run(new Map(), [obs(100, 100)], BOOT + 100, { intensityIsFallback: true, gramsPerKwh: 129 });
    const w = [...r.open.values()][0]!;
    expect(w.fallbackGrams).toBeCloseTo(w.busyGrams + w.idleGrams, 12);
  });

  it('marks a workspace partial when memory activity is missing', () => {
    const r = run(new Map(), [obs(100, 100, { memoryActiveBytes: undefined })], BOOT + 100);
    expect([...r.open.values()][0]!.partial).toBe(true);
  });
});
