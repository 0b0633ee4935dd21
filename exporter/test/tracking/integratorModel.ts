// One run of a scenario through observe -> per-CPU detail -> integrate, with the invariants checked along the way.
import { DEFAULTS } from '../../src/config/defaults';
import { physicalLimitWatts, intervalEnergy } from '../../src/model/power';
import { integrateCycle, needsDetail } from '../../src/tracking/integrate';
import { observationsFrom, siteLookup } from '../../src/tracking/observe';
import type { AnomalyKind, WorkspaceState } from '../../src/tracking/types';
import {
  answers,
  detailStandIn,
  MEMORY_BYTES,
  PROFILE,
  PUE,
  type Cpu,
  type Outcome,
  type Reading,
  type Scenario,
} from './integratorWorld';

const site = siteLookup(DEFAULTS.sites);

export function simulate(sc: Scenario, opts: { restarts: boolean }): Outcome {
  const violations: string[] = [];
  const anomalies: AnomalyKind[] = [];
  let t = 1_800_000_000;
  let boot = t - sc.bootAgo;
  const fresh = (): Cpu[] =>
    Array.from({ length: sc.cpus }, () => ({ online: true, user: 0, idle: 0, iowait: 0, dip: 0 }));
  let cpus = fresh();
  for (const c of cpus) {
    c.user = sc.initialLoad * sc.bootAgo;
    c.idle = (1 - sc.initialLoad) * sc.bootAgo;
  }
  // readings of the node's per-CPU series at each scrape (what Prometheus stores), for the detail stand-in
  const readings: Array<{ at: number; boot: number; values: Reading }> = [];
  const read = (): Reading =>
    new Map(cpus.flatMap((c, i) => (c.online ? [[i, { user: c.user, idle: c.idle, iowait: c.iowait - c.dip }]] : [])));
  let state = new Map<string, WorkspaceState>();
  const exported = new Map<string, number>();
  // reference: the true counters at the last observation of this boot, and the energy they give over all boots
  let ref = { busy: 0, idle: 0, at: boot, busyJoules: 0, idleJoules: 0, boot };
  // what the integrator charged, per workspace (closed ones included)
  const charged = new Map<string, { joules: number; busy: number; idle: number }>();
  let trueBusy = 0;
  let trueIdle = 0;
  const trueSums = () => ({
    busy: cpus.reduce((a, c) => a + c.user, 0),
    idle: cpus.reduce((a, c) => a + c.idle + c.iowait, 0),
  });

  for (const step of sc.steps) {
    // the world moves on by dt, then is scraped at t and read by a cycle at t + lag
    t += step.dt;
    if (step.event === 'reboot') {
      boot = t - Math.min(step.dt, 3);
      cpus = fresh();
    }
    for (const [i, c] of cpus.entries()) {
      if (!c.online) continue;
      const span = step.event === 'reboot' ? t - boot : step.dt;
      const load = step.load[i] ?? 0;
      c.user += load * span;
      c.iowait += (1 - load) * span * step.iowaitShare;
      c.idle += (1 - load) * span * (1 - step.iowaitShare);
    }
    const online = cpus.filter((c) => c.online);
    if (step.event === 'offline' && online.length > 1) cpus[step.cpu % cpus.length]!.online = false;
    if (step.event === 'online') for (const c of cpus) c.online = true;
    if (step.event === 'dip') {
      const c = online[step.cpu % online.length]!;
      c.dip += step.dip * (c.iowait - c.dip); // the kernel's iowait read lower than before
    }
    const values = read();
    const jobs =
      step.event === 'gap'
        ? []
        : step.event === 'second_job'
          ? ['node', 'node-2']
          : step.event === 'only_second_job'
            ? ['node-2']
            : ['node'];
    if (jobs.length > 0) readings.push({ at: t, boot, values });
    const at = t + step.lag;
    const results = answers(
      jobs,
      values,
      boot,
      t,
      step.event === 'duplicate_boot',
      step.event === 'duplicate_cpu' ? step.cpu : undefined
    );

    if (opts.restarts && step.event === 'restart')
      state = new Map(JSON.parse(JSON.stringify([...state])) as Array<[string, WorkspaceState]>);
    const { observations } = observationsFrom(results, DEFAULTS.labels, site);
    const wanted = needsDetail(state, observations);
    const detail = step.detailFails ? undefined : detailStandIn(wanted, readings, values, t);
    const r = integrateCycle(state, observations, {
      nowSeconds: at,
      pue: PUE,
      profileFor: () => PROFILE,
      gramsPerKwh: 150,
      intensityIsFallback: false,
      closeAfterSeconds: 1e9,
      detail,
    });
    anomalies.push(...r.anomalies.map((a) => a.kind));
    for (const x of [...r.changed, ...r.open.values()]) {
      charged.set(x.id, {
        joules: x.busyJoules + x.idleJoules,
        busy: x.busyCpuSecondsTotal,
        idle: x.idleCpuSecondsTotal,
      });
    }

    for (const next of r.open.values()) {
      const before = state.get(next.id);
      const from = before ? (before.lastSampleSeconds ?? before.lastSeenSeconds) : next.startedAtSeconds;
      const span = (next.lastSampleSeconds ?? next.lastSeenSeconds) - from;
      const gained = next.busyJoules + next.idleJoules - (before ? before.busyJoules + before.idleJoules : 0);
      const limit =
        physicalLimitWatts(PROFILE, Math.max(next.cpus, before?.cpus ?? 0), MEMORY_BYTES) * PUE * Math.max(0, span);
      if (gained > limit * (1 + 1e-9) + 1e-9) violations.push(`interval over the limit: ${gained} J > ${limit} J`);
      if (gained < -1e-9) violations.push(`energy went down: ${gained} J`);
      // runtime: the busy share of the elapsed time, so never more than it, and only with busy cpu-seconds
      const ran = (next.runtimeSeconds ?? 0) - (before?.runtimeSeconds ?? 0);
      const busier = next.busyCpuSecondsTotal - (before?.busyCpuSecondsTotal ?? 0);
      if (ran > Math.max(0, span) * (1 + 1e-9) + 1e-9) violations.push(`runtime ${ran} s in ${span} s`);
      if (ran < -1e-9) violations.push(`runtime went down: ${ran} s`);
      if (busier <= 0 && ran > 1e-12) violations.push(`runtime grew by ${ran} s with no busy cpu-seconds`);
    }
    const hosts = [...r.open.values()].map((s) => s.host);
    if (new Set(hosts).size !== hosts.length) violations.push(`two open workspaces for one VM: ${hosts.join(', ')}`);
    // what /metrics shows: the sum per label set of the open workspaces' totals
    const now = new Map<string, number>();
    for (const s of r.open.values()) {
      const k = [s.site, s.project, s.machine, s.host, s.user].join('|');
      now.set(k, (now.get(k) ?? 0) + s.busyJoules + s.idleJoules);
    }
    for (const [k, v] of now) {
      if (step.event !== 'reboot' && v < (exported.get(k) ?? 0) - 1e-9)
        violations.push(`exported counter went down without a reboot: ${exported.get(k)} -> ${v}`);
    }
    exported.clear();
    for (const [k, v] of now) exported.set(k, v);
    const before = state;
    state = r.open;

    if (jobs.length > 0) {
      const sums = trueSums();
      if (ref.boot !== boot) ref = { ...ref, busy: 0, idle: 0, at: boot, boot };
      // per interval, no state is charged more cpu-seconds than the VM's CPUs really spent in it
      const w = [...r.open.values()].find((x) => x.status === 'active' && Math.abs(x.startedAtSeconds - boot) <= 1);
      const prior = w ? before.get(w.id) : undefined;
      const dBusy = (w?.busyCpuSecondsTotal ?? 0) - (prior?.busyCpuSecondsTotal ?? 0);
      const dIdle = (w?.idleCpuSecondsTotal ?? 0) - (prior?.idleCpuSecondsTotal ?? 0);
      const exactStep = step.event !== 'duplicate_cpu';
      const tol = (x: number) => x * (1 + 1e-9) + 1e-9;
      if (exactStep && dBusy > tol(sums.busy - ref.busy))
        violations.push(`interval charged ${dBusy} busy cpu-s, truth ${sums.busy - ref.busy}`);
      if (exactStep && dIdle > tol(sums.idle - ref.idle))
        violations.push(`interval charged ${dIdle} idle cpu-s, truth ${sums.idle - ref.idle}`);
      const e = intervalEnergy(PROFILE, PUE, {
        busyCpuSeconds: sums.busy - ref.busy,
        idleCpuSeconds: sums.idle - ref.idle,
        elapsedSeconds: t - ref.at,
        memoryActiveBytes: MEMORY_BYTES,
      });
      trueBusy += sums.busy - ref.busy;
      trueIdle += sums.idle - ref.idle;
      ref = {
        busy: sums.busy,
        idle: sums.idle,
        at: t,
        busyJoules: ref.busyJoules + e.busyJoules,
        idleJoules: ref.idleJoules + e.idleJoules,
        boot,
      };
    }
  }
  const sum = (f: (c: { joules: number; busy: number; idle: number }) => number) =>
    [...charged.values()].reduce((a, c) => a + f(c), 0);
  // a duplicated per-CPU series raises a sum as real use would: only the physical limit bounds what it adds
  const exact = !sc.steps.some((st) => st.event === 'duplicate_cpu');
  const over = (got: number, truth: number) => exact && got > truth * (1 + 1e-9) + 1e-9;
  if (
    over(
      sum((c) => c.joules),
      ref.busyJoules + ref.idleJoules
    )
  ) {
    violations.push(
      `charged ${sum((c) => c.joules)} J, more than the true counters give (${ref.busyJoules + ref.idleJoules} J)`
    );
  }
  if (
    over(
      sum((c) => c.busy),
      trueBusy
    )
  )
    violations.push(`charged ${sum((c) => c.busy)} busy cpu-s, truth ${trueBusy}`);
  if (
    over(
      sum((c) => c.idle),
      trueIdle
    )
  )
    violations.push(`charged ${sum((c) => c.idle)} idle cpu-s, truth ${trueIdle}`);
  return {
    final: [...state.values()],
    refBusyJoules: ref.busyJoules,
    refIdleJoules: ref.idleJoules,
    anomalies,
    violations,
    observed: readings.length > 0,
  };
}
