/**
 * Counter-misbehaviour scenarios on real parts: node_exporter stand-ins (tests/harness/fakeNodeExporter) scraped every
 * second by a real Prometheus. Shared by exporter/test/integration/counters.real.test.ts and
 * exporter/bench/counterScenarios.ts; nothing here imports the tracker, so the bench can run an older one.
 */
import {
  startFakeNodeExporter,
  STEAL_SHARE,
  type FakeNode,
  type RunningFakeNode,
} from '../../../tests/harness/fakeNodeExporter';
import { startPrometheus, type RunningPrometheus } from '../../../tests/harness/prometheus';
import { startCarbonServer, type CarbonServer } from '../../../tests/harness/carbonServer';
import { intervalEnergy, type PowerProfile } from '../../src/model/power';

export const PROFILE: PowerProfile = {
  busyWattsPerCpu: 12,
  idleWattsPerCpu: 1.44,
  memoryWattsPerGiB: 0.3725,
  otherWatts: 2,
};
export const PUE = 1.2;
export const CPUS = 4;
/** busy share of every CPU of every stand-in */
export const LOAD = 0.5;
export const MEM_ACTIVE_BYTES = 2 * 2 ** 30;
export const CYCLE_MS = 1500;
export const CYCLES = 9;

export type ScenarioName = 'cpu_offline' | 'iowait_back' | 'reboot' | 'two_jobs' | 'duplicate_boot';

export interface Scenario {
  name: ScenarioName;
  title: string;
  host: string;
  /** scrape jobs on the one stand-in; two make one node seen by two jobs */
  jobs: string[];
  /** run right after the cycle of that index, before the next one */
  events: Array<{ afterCycle: number; act(node: FakeNode): void }>;
  /** anomaly kinds the current tracker must report (> 0) */
  expectedKinds: string[];
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'cpu_offline',
    title: '4 -> 2 vCPUs and back',
    host: 'vm-offline',
    jobs: ['cpu_offline'],
    events: [
      {
        afterCycle: 2,
        act: (n) => {
          n.setOnline(2, false);
          n.setOnline(3, false);
        },
      },
      {
        afterCycle: 5,
        act: (n) => {
          n.setOnline(2, true);
          n.setOnline(3, true);
        },
      },
    ],
    // the sum of the CPUs left is lower: a drop, and the count changed
    expectedKinds: ['cpu_set_change', 'counter_drop'],
  },
  {
    name: 'iowait_back',
    title: 'iowait -30 cpu-s on one CPU',
    host: 'vm-iowait',
    jobs: ['iowait_back'],
    events: [{ afterCycle: 3, act: (n) => n.stepBack(1, 'iowait', 30) }],
    expectedKinds: ['counter_drop'],
  },
  {
    name: 'reboot',
    title: 'a real reboot',
    host: 'vm-reboot',
    jobs: ['reboot'],
    events: [{ afterCycle: 3, act: (n) => n.reboot() }],
    expectedKinds: [],
  },
  {
    name: 'two_jobs',
    title: 'one node in two scrape jobs',
    host: 'vm-twojobs',
    jobs: ['two_jobs', 'two_jobs_again'],
    events: [],
    expectedKinds: ['duplicate_target'],
  },
  {
    name: 'duplicate_boot',
    title: 'duplicated node_boot_time_seconds',
    host: 'vm-dupboot',
    jobs: ['duplicate_boot'],
    events: [
      {
        afterCycle: 2,
        act: (n) => n.duplicate('node_boot_time_seconds', { boot: 'stale' }, n.bootTimeSeconds - 86400),
      },
      { afterCycle: 5, act: (n) => n.clearDuplicates() },
    ],
    expectedKinds: ['duplicate_series'],
  },
];

/** Facility watts of a stand-in with this many CPUs online at LOAD (steal is not the workspace's). */
export function cleanWatts(cpus: number): number {
  const busy = cpus * LOAD * (1 - STEAL_SHARE);
  const idle = cpus * (1 - STEAL_SHARE) - busy;
  const e = intervalEnergy(PROFILE, PUE, {
    busyCpuSeconds: busy,
    idleCpuSeconds: idle,
    elapsedSeconds: 1,
    memoryActiveBytes: MEM_ACTIVE_BYTES,
  });
  return e.busyJoules + e.idleJoules;
}

export const selectorOf = (s: Scenario): string => `scenario="${s.name}"`;

/** The exporter config of one scenario (its own selector, so each tracker sees only its stand-in). */
export function scenarioConfig(s: Scenario, promUrl: string, carbonUrl: string): Record<string, unknown> {
  return {
    prometheus: { url: promUrl, selector: selectorOf(s) },
    carbonIntensity: { url: carbonUrl },
    machines: { default: PROFILE },
    pue: PUE,
  };
}

export interface ScenarioStack {
  prom: RunningPrometheus;
  carbon: CarbonServer;
  nodes: Map<ScenarioName, RunningFakeNode>;
  stop(): Promise<void>;
}

/** One stand-in per scenario, all scraped every second by one Prometheus; resolves once each has been scraped. */
export async function startScenarioStack(scenarios: readonly Scenario[] = SCENARIOS): Promise<ScenarioStack> {
  const nodes = new Map<ScenarioName, RunningFakeNode>();
  for (const s of scenarios) {
    nodes.set(s.name, await startFakeNodeExporter({ cpus: CPUS, load: LOAD, memActiveBytes: MEM_ACTIVE_BYTES }));
  }
  const scrapeConfigs = scenarios.flatMap((s) =>
    s.jobs.map((job) => ({
      job_name: job,
      static_configs: [
        {
          targets: [nodes.get(s.name)!.address],
          labels: { scenario: s.name, host: s.host, cloud_project_name: 'IDAaaS', machine_name: 'Muon' },
        },
      ],
    }))
  );
  const [prom, carbon] = await Promise.all([
    startPrometheus({ scrapeIntervalSeconds: 1, scrapeConfigs }),
    startCarbonServer(),
  ]);
  const stop = async () => {
    await Promise.all([prom.stop(), carbon.stop(), ...[...nodes.values()].map((n) => n.stop())]);
  };
  try {
    const deadline = Date.now() + 30000;
    for (;;) {
      const r = await prom.query<{ metric: { scenario: string }; value: [number, string] }>(
        'count by (scenario) (node_cpu_seconds_total{mode="idle"})'
      );
      const counted = new Map<string, number>(r.result.map((x) => [x.metric.scenario, Number(x.value[1])]));
      if (scenarios.every((s) => counted.get(s.name) === CPUS * s.jobs.length)) break;
      if (Date.now() > deadline) throw new Error(`stand-ins not scraped in time: ${JSON.stringify([...counted])}`);
      await new Promise((res) => setTimeout(res, 250));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { prom, carbon, nodes, stop };
}

/** One workspace as a tracking snapshot (old or new) has it. */
export interface WorkspaceReading {
  id: string;
  host: string;
  startedAtSeconds: number;
  joules: number;
  /** scrape time of its counters, where the tracker keeps it */
  lastSampleSeconds?: number;
}

export interface CycleReading {
  atSeconds: number;
  /** the stand-in's CPUs online when the cycle ended */
  onlineCpus: number;
  workspaces: WorkspaceReading[];
  /** anomaly counts by kind, where the tracker has them */
  anomalies?: Record<string, number>;
}

interface SnapshotLike {
  lastCycle?: { atSeconds: number };
  workspaces: ReadonlyArray<{
    id: string;
    host: string;
    startedAtSeconds: number;
    busyJoules: number;
    idleJoules: number;
    lastSampleSeconds?: number;
  }>;
  anomalies?: Record<string, number>;
}

export function readingOf(snap: SnapshotLike, node: FakeNode): CycleReading {
  return {
    atSeconds: snap.lastCycle?.atSeconds ?? NaN,
    onlineCpus: node.onlineCpus,
    workspaces: snap.workspaces.map((w) => ({
      id: w.id,
      host: w.host,
      startedAtSeconds: w.startedAtSeconds,
      joules: w.busyJoules + w.idleJoules,
      lastSampleSeconds: w.lastSampleSeconds,
    })),
    anomalies: snap.anomalies ? { ...snap.anomalies } : undefined,
  };
}

/** Runs CYCLES cycles CYCLE_MS apart, the scenario's events between them; returns what each cycle read. */
export async function runScenario<T>(s: Scenario, node: FakeNode, cycle: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  const start = Date.now();
  for (let i = 0; i < CYCLES; i++) {
    const wait = start + i * CYCLE_MS - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    out.push(await cycle());
    for (const e of s.events) if (e.afterCycle === i) e.act(node);
  }
  return out;
}

/** Joules charged to a host between two cycles: every workspace's growth, a workspace new since then in full. */
export function chargedJoules(prev: CycleReading, cur: CycleReading, host: string): number {
  const before = new Map(prev.workspaces.filter((w) => w.host === host).map((w) => [w.id, w.joules]));
  return cur.workspaces.filter((w) => w.host === host).reduce((a, w) => a + w.joules - (before.get(w.id) ?? 0), 0);
}

/** The counters' span between two cycles when both readings carry it, else the cycles' span. */
export function spanSeconds(prev: CycleReading, cur: CycleReading, host: string): number {
  const a = prev.workspaces.find((w) => w.host === host);
  const b = cur.workspaces.find((w) => w.host === host);
  if (a && b && a.id === b.id && a.lastSampleSeconds !== undefined && b.lastSampleSeconds !== undefined) {
    return b.lastSampleSeconds - a.lastSampleSeconds;
  }
  return cur.atSeconds - prev.atSeconds;
}

/** Sum of the anomaly counts, or undefined for a tracker without them. */
export const anomalyTotal = (r: CycleReading): number | undefined =>
  r.anomalies ? Object.values(r.anomalies).reduce((a, b) => a + b, 0) : undefined;
