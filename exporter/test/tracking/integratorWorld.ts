// The simulated VM of the integrator's model-based test: scenario generators, and a Prometheus stand-in that answers
// the tracking queries from the VM's per-CPU counters.
import fc from 'fast-check';
import type { PowerProfile } from '../../src/model/power';
import type { CpuIncrease, needsDetail } from '../../src/tracking/integrate';
import { targetKey } from '../../src/tracking/integrate';
import { SCRAPE_TIME_TAG, type TrackingQueryName } from '../../src/tracking/queries';
import type { Sample } from '../../src/sources/prometheus';
import type { AnomalyKind, WorkspaceState } from '../../src/tracking/types';

export const PROFILE: PowerProfile = {
  busyWattsPerCpu: 12,
  idleWattsPerCpu: 1.5,
  memoryWattsPerGiB: 0.3725,
  otherWatts: 6,
};
export const PUE = 1.4;
export const MEMORY_BYTES = 2 * 2 ** 30;
const INSTANCE = 'vm-1:9100';
const BASE = { instance: INSTANCE, cloud_project_name: 'IDAaaS', machine_name: 'Muon', host: '172.16.0.9' };

export type Event =
  | 'none'
  | 'reboot'
  | 'offline'
  | 'online'
  | 'dip'
  | 'gap'
  | 'second_job'
  | 'only_second_job'
  | 'duplicate_boot'
  | 'restart'
  | 'duplicate_cpu';
export const CLEAN_EVENTS: Event[] = ['none', 'gap', 'second_job', 'only_second_job', 'duplicate_boot', 'restart'];
export const HOSTILE_EVENTS: Event[] = [...CLEAN_EVENTS, 'reboot', 'offline', 'online', 'dip', 'duplicate_cpu'];

export interface Step {
  dt: number;
  /** seconds between the scrape and the tracking cycle that reads it */
  lag: number;
  load: number[];
  iowaitShare: number;
  event: Event;
  cpu: number;
  dip: number;
  /** the per-CPU detail query fails this cycle (hostile runs only) */
  detailFails: boolean;
}
export interface Scenario {
  cpus: number;
  bootAgo: number;
  initialLoad: number;
  steps: Step[];
}

export interface Cpu {
  online: boolean;
  user: number;
  idle: number;
  iowait: number;
  dip: number;
}
export type Reading = Map<number, { user: number; idle: number; iowait: number }>;

export const stepArb = (events: Event[]) =>
  fc.record({
    dt: fc.integer({ min: 5, max: 600 }),
    lag: fc.double({ min: 0, max: 4, noNaN: true }),
    load: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
    iowaitShare: fc.double({ min: 0, max: 0.5, noNaN: true }),
    event: fc.oneof(
      { arbitrary: fc.constant<Event>('none'), weight: 4 },
      { arbitrary: fc.constantFrom(...events), weight: 3 }
    ),
    cpu: fc.nat(3),
    dip: fc.double({ min: 0, max: 1, noNaN: true }),
    detailFails: events === CLEAN_EVENTS ? fc.constant(false) : fc.boolean(),
  });
export const scenarioArb = (events: Event[]) =>
  fc.record({
    cpus: fc.integer({ min: 1, max: 4 }),
    bootAgo: fc.integer({ min: 1, max: 200_000 }),
    initialLoad: fc.double({ min: 0, max: 1, noNaN: true }),
    steps: fc.array(stepArb(events), { minLength: 1, maxLength: 12 }),
  });

/** What one run left: per-cycle states, and what the reference model computed for a clean run. */
export interface Outcome {
  final: WorkspaceState[];
  refBusyJoules: number;
  refIdleJoules: number;
  anomalies: AnomalyKind[];
  violations: string[];
  /** whether any cycle saw the VM */
  observed: boolean;
}

/** The five tracking answers, as Prometheus gives them for the node's per-CPU series scraped by `jobs`. */
export function answers(
  jobs: string[],
  values: Reading,
  boot: number,
  scrapedAt: number,
  duplicateBoot: boolean,
  duplicateCpu?: number
): Record<TrackingQueryName, Sample[]> {
  const out: Record<TrackingQueryName, Sample[]> = { boot: [], up: [], cpuSeconds: [], cpus: [], memoryActive: [] };
  let busy = 0;
  let idle = 0;
  for (const [cpu, v] of values) {
    // a duplicated per-CPU series (a relabelling slip) is summed twice; the CPU count is of distinct CPUs
    const times = cpu === duplicateCpu ? 2 : 1;
    busy += v.user * times;
    idle += (v.idle + v.iowait) * times;
  }
  for (const job of jobs) {
    const target = { job, instance: INSTANCE };
    out.boot.push({ metric: { job, ...BASE }, value: boot });
    if (duplicateBoot) out.boot.push({ metric: { job, ...BASE, relabelled: 'yes' }, value: boot });
    out.up.push(
      { metric: { job, ...BASE }, value: 1 },
      { metric: { job, ...BASE, [SCRAPE_TIME_TAG]: 'scrape_time' }, value: scrapedAt }
    );
    out.cpuSeconds.push(
      { metric: { ...target, state: 'busy' }, value: busy },
      { metric: { ...target, state: 'idle' }, value: idle }
    );
    out.cpus.push({ metric: target, value: values.size });
    out.memoryActive.push({ metric: target, value: MEMORY_BYTES });
  }
  return out;
}

/** The detail query's answer: per CPU-mode increases since `sinceSeconds` (clamped at 0), over CPUs read at both ends. */
export function detailStandIn(
  wanted: ReturnType<typeof needsDetail>,
  readings: ReadonlyArray<{ at: number; boot: number; values: Reading }>,
  now: Reading,
  nowAt: number
): Map<string, CpuIncrease> | undefined {
  if (wanted.length === 0) return undefined;
  const out = new Map<string, CpuIncrease>();
  for (const w of wanted) {
    const then = [...readings].reverse().find((r) => r.at <= w.sinceSeconds && r.at < nowAt);
    if (!then) continue;
    let busy = 0;
    let idle = 0;
    for (const [cpu, v] of now) {
      const p = then.values.get(cpu);
      if (!p) continue;
      busy += Math.max(0, v.user - p.user);
      idle += Math.max(0, v.idle - p.idle) + Math.max(0, v.iowait - p.iowait);
    }
    out.set(targetKey(w.job, w.instance), { busyCpuSeconds: busy, idleCpuSeconds: idle });
  }
  return out;
}
