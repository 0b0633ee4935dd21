/**
 * The synthetic Ada fleet of the live-tracking integration tests (one per query engine), its machine profiles, and
 * the hand computation of the joules the exporter must report for it.
 */
import { fleetTruth, type FleetHost, type FleetSpec } from '../../../tests/harness/fleet';
import { BUSY_MODES, IDLE_MODES } from '../../src/model/modes';

export const START = Date.UTC(2026, 10, 1, 0, 0) / 1000; // 2026-11-01T00:00Z
export const END = START + 3 * 3600;
export const GiB = 1024 ** 3;
export const HOSTILE = 'Weird "quoted" \\ back\nslash — ünïcödé 😀';

/** CPU mode shares of a host `busy` of the time: the split every synthetic fleet of the tests uses. */
export const shares = (busy: number) => ({
  user: busy * 0.7,
  system: busy * 0.2,
  softirq: busy * 0.05,
  nice: busy * 0.05,
  idle: (1 - busy) * 0.9,
  iowait: (1 - busy) * 0.08,
  steal: (1 - busy) * 0.02,
  irq: 0,
});
const host = (n: number, project: string, machine: string, extra: Partial<FleetHost> = {}): FleetHost => ({
  instance: `host-172-16-0-${n}.nubes.example:9100`,
  labels: { cloud_project_name: project, machine_name: machine, host: `172.16.0.${n}`, owner: `user${n % 3}` },
  cpus: 4,
  modeShares: shares(0.05 + 0.1 * n),
  memTotalBytes: 16 * GiB,
  memActiveBytes: 2 * GiB * n,
  bootTimeSeconds: START - 86400 * n,
  ...extra,
});

export const spec: FleetSpec = {
  startSeconds: START,
  endSeconds: END,
  stepSeconds: 15,
  hosts: [
    host(1, 'IDAaaS', 'Muon'),
    host(2, 'CDAaaS', 'Artemis (Matlab)', { cpus: 8 }),
    host(3, 'DDAaaS', 'SANS', { reboots: [START + 5400] }),
    host(4, 'IDAaaS', 'Muon', { gaps: [[START + 3600, START + 3600 + 1200]] }),
    host(5, 'IDAaaS', HOSTILE, { endSeconds: START + 7200 }),
    host(6, 'TDAaaS', 'Muon', { modeShares: (t) => shares(t < START + 5400 ? 0.9 : 0.02) }),
  ],
};

export const profiles = {
  default: { busyWattsPerCpu: 12, idleWattsPerCpu: 1.5, memoryWattsPerGiB: 0.4, otherWatts: 5 },
  'Artemis (Matlab)': { busyWattsPerCpu: 20, idleWattsPerCpu: 2 },
};
export const PUE = 1.2;

export const truth = fleetTruth(spec);
export const sum = (h: FleetHost, t: number, modes: readonly string[]) =>
  modes.reduce((a, m) => a + (truth.sampleAt(h, 'cpu', t, m) ?? 0), 0);
const profileOf = (h: FleetHost) => ({
  ...profiles.default,
  ...(profiles as Record<string, object>)[h.labels.machine_name as string],
});

/** Hand computation: cpu-seconds since boot x W, plus static W x seconds since boot, x PUE. */
export function expectedJoules(h: FleetHost, bootSeconds: number, lastSeen: number) {
  const p = profileOf(h);
  const busy = sum(h, lastSeen, BUSY_MODES);
  const idle = sum(h, lastSeen, IDLE_MODES);
  const staticW =
    (typeof h.memActiveBytes === 'number' ? h.memActiveBytes / GiB : 0) * p.memoryWattsPerGiB + p.otherWatts;
  return {
    cpuBusy: busy * p.busyWattsPerCpu * PUE,
    cpuIdle: idle * p.idleWattsPerCpu * PUE,
    total: (busy * p.busyWattsPerCpu + idle * p.idleWattsPerCpu + staticW * (lastSeen - bootSeconds)) * PUE,
  };
}
