import type { FleetHost, FleetSpec } from './fleetModel';

export interface AdaFleetOptions {
  hosts: number;
  /** vCPUs of every host; by default each machine type's flavour (4 or 8). */
  cpus?: number;
  startSeconds: number;
  endSeconds: number;
  stepSeconds: number;
  seed?: number;
  /** Add a `user` target label (other deployments have one; Ada does not). Default false. */
  userLabel?: boolean;
  /**
   * Lifecycle events inside the window (reboots, late boots, deletions, scrape gaps) on a few hosts. Default true;
   * turn off for fleets whose every host must have every sample.
   */
  events?: boolean;
  job?: string;
}

/** Small deterministic PRNG (mulberry32): the same seed gives the same fleet on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Projects with their share of the fleet and workspace types (vCPUs from the public flavour table). */
const PROJECTS: Array<{ name: string; weight: number; machines: Array<{ name: string; cpus: number }> }> = [
  {
    name: 'IDAaaS',
    weight: 0.5,
    machines: [
      { name: 'Muon', cpus: 4 },
      { name: 'SANS', cpus: 4 },
      { name: 'Excitations', cpus: 8 },
      { name: 'Reflectometry', cpus: 4 },
      { name: 'Imaging (Mantid)', cpus: 8 },
    ],
  },
  {
    name: 'CDAaaS',
    weight: 0.3,
    machines: [
      { name: 'Artemis (Matlab)', cpus: 8 },
      { name: 'Artemis (Python)', cpus: 8 },
      { name: 'EPAC', cpus: 4 },
    ],
  },
  {
    name: 'DDAaaS',
    weight: 0.2,
    machines: [
      { name: 'Tomography', cpus: 8 },
      { name: 'MX', cpus: 4 },
      { name: 'Development', cpus: 4 },
    ],
  },
];

const USERS = ['abc12345', 'def67890', 'ghi24680', 'jkl13579', 'mno11223', 'pqr44556'];
const GIB = 1024 ** 3;

/** How a busy share splits over the busy modes (iowait is handled apart: it is idle CPU time waiting on I/O). */
const BUSY_SPLIT = { user: 0.72, system: 0.2, nice: 0.01, irq: 0.005, softirq: 0.015, steal: 0.05 };

function shares(busy: number, iowait: number): Record<string, number> {
  const out: Record<string, number> = { iowait };
  let used = iowait;
  for (const [mode, part] of Object.entries(BUSY_SPLIT)) {
    out[mode] = busy * part;
    used += busy * part;
  }
  out.idle = 1 - used;
  return out;
}

/**
 * A deterministic, realistic Ada fleet: mostly idle workspaces (the original's hour had ~0.03% busy time), a minority
 * with real work, a few whose load follows a slow wave. With `events`, about 3% of hosts reboot in the window, 3% boot
 * during it, 3% are deleted during it and 2% have a scrape gap.
 */
export function adaFleet(opts: AdaFleetOptions): FleetSpec {
  const rand = prng(opts.seed ?? 1);
  const span = opts.endSeconds - opts.startSeconds;
  const events = opts.events ?? true;
  const hosts: FleetHost[] = [];
  for (let i = 0; i < opts.hosts; i++) {
    const r = rand();
    let acc = 0;
    const project = PROJECTS.find((p) => (acc += p.weight) > r) ?? PROJECTS[0]!;
    const machine = project.machines[Math.floor(rand() * project.machines.length)]!;
    const cpus = opts.cpus ?? machine.cpus;
    const ip = `172.16.${100 + Math.floor(i / 250)}.${(i % 250) + 2}`;
    const labels: Record<string, string> = {
      cloud_project_name: project.name,
      machine_name: machine.name,
      host: ip,
    };
    if (opts.userLabel) labels.user = USERS[Math.floor(rand() * USERS.length)]!;

    const kind = rand();
    const busy = kind < 0.7 ? 0.001 + rand() * 0.02 : kind < 0.9 ? 0.05 + rand() * 0.25 : 0.5 + rand() * 0.45;
    const iowait = rand() * 0.005;
    const wavy = rand() < 0.2;
    const phase = rand() * 2 * Math.PI;
    const period = 1800 + rand() * 5400;
    const modeShares = wavy
      ? (t: number): Record<string, number> =>
          shares(Math.min(0.95, busy * (1 + 0.8 * Math.sin((2 * Math.PI * t) / period + phase))), iowait)
      : shares(busy, iowait);

    const memTotalBytes = cpus * 3.75 * GIB;
    const memFraction = 0.1 + busy * 0.5 + rand() * 0.1;
    const memActiveBytes = wavy
      ? (t: number): number =>
          Math.round(memTotalBytes * memFraction * (1 + 0.2 * Math.sin((2 * Math.PI * t) / period + phase)))
      : Math.round(memTotalBytes * memFraction);

    // Whole seconds, as node_exporter reports boot time.
    let bootTimeSeconds = Math.floor(opts.startSeconds - 3600 - rand() * 30 * 86400);
    const host: FleetHost = {
      instance: `host-${ip.replace(/\./g, '-')}.nubes.example:9100`,
      labels,
      cpus,
      modeShares,
      memTotalBytes,
      memActiveBytes,
      bootTimeSeconds,
    };
    if (events) {
      const e = rand();
      const at = Math.floor(opts.startSeconds + span * (0.2 + 0.6 * rand()));
      if (e < 0.03) host.reboots = [at];
      else if (e < 0.06) host.bootTimeSeconds = bootTimeSeconds = at;
      else if (e < 0.09) host.endSeconds = at;
      else if (e < 0.11) host.gaps = [[at, at + Math.max(opts.stepSeconds * 2, Math.floor(span * 0.1))]];
    }
    hosts.push(host);
  }
  return {
    startSeconds: opts.startSeconds,
    endSeconds: opts.endSeconds,
    stepSeconds: opts.stepSeconds,
    hosts,
    ...(opts.job !== undefined ? { job: opts.job } : {}),
  };
}
