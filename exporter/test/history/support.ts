/**
 * A synthetic fleet for the history tests: several projects and machine types, a reboot, a scrape gap across a
 * half-hour boundary, a host deleted and one created mid-range, hostile label values. Truth comes from the harness'
 * fleet model (the same arithmetic the OpenMetrics writer uses), energy by hand from the profile below.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createBlocks } from '../../../tests/harness/blocks';
import { fleetTruth, type FleetHost, type FleetSpec } from '../../../tests/harness/fleet';
import { memActiveBytesAt } from '../../../tests/harness/fleetModel';
import { writeFleetOpenMetrics } from '../../../tests/harness/openmetrics';
import { startPrometheus } from '../../../tests/harness/prometheus';
import { importFleet, startVictoriaMetrics, type PrometheusApiServer } from '../../../tests/harness/victoriaMetrics';
import { startCarbonServer, expectedIntensity, type CarbonServer } from '../../../tests/harness/carbonServer';
import { BUSY_MODES, IDLE_MODES } from '../../src/model/modes';
import { PrometheusClient } from '../../src/sources/prometheus';
import { CarbonIntensityClient } from '../../src/sources/carbon';
import { tempDir, testConfig } from '../support/app';
import type { LoadedConfig } from '../../src/config';
import { shares } from '../support/fleetSpec';

export const START = Date.UTC(2026, 10, 1, 0, 0) / 1000; // 2026-11-01T00:00Z
export const HOURS = 6;
export const END = START + HOURS * 3600;
export const HOSTILE = 'Weird "quoted" \\ back\nslash — ünïcödé 😀' + 'x'.repeat(300);
export const EVIL_PROJECT = 'Evil"Proj\\ect\n{x=~".*"}';
const GiB = 1024 ** 3;

const host = (n: number, project: string, machine: string, extra: Partial<FleetHost> = {}): FleetHost => ({
  instance: `host-172-16-0-${n}.nubes.example:9100`,
  labels: { cloud_project_name: project, machine_name: machine, host: `172.16.0.${n}` },
  cpus: 4,
  modeShares: shares(0.05 + 0.1 * n),
  memTotalBytes: 16 * GiB,
  memActiveBytes: (t) => GiB * (n + ((t / 60) % 7)),
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
    host(3, 'DDAaaS', 'SANS', { reboots: [START + 6000] }),
    host(4, 'IDAaaS', 'Muon', { gaps: [[START + 4800, START + 6000]] }),
    host(5, 'IDAaaS', HOSTILE, { endSeconds: START + 8100 }),
    host(6, 'TDAaaS', 'Muon', { modeShares: (t) => shares(t < START + 5400 ? 0.9 : 0.02) }),
    host(7, 'CDAaaS', 'Artemis (Matlab)', { cpus: 8, bootTimeSeconds: START + 3 * 3600 + 600 }),
    host(8, EVIL_PROJECT, 'Muon', { cpus: 2 }),
    // lives 15 min inside one half-hour: at no boundary, even with the 5-min lookback
    host(9, 'IDAaaS', 'Muon', { bootTimeSeconds: START + 2 * 3600 + 300, endSeconds: START + 2 * 3600 + 1200 }),
  ],
};

export const profiles = {
  default: { busyWattsPerCpu: 12, idleWattsPerCpu: 1.5, memoryWattsPerGiB: 0.4, otherWatts: 5 },
  'Artemis (Matlab)': { busyWattsPerCpu: 20, idleWattsPerCpu: 2 },
};
export const PUE = 1.2;

export const truth = fleetTruth(spec);

export interface HalfHourTruth {
  busy: number;
  idle: number;
  other: number;
  joules: number;
  busyJoules: number;
  grams: number;
}

/** Hand computation of one host's half-hour: cpu-seconds from the counters, energy from the profile. */
export function halfHourTruth(h: FleetHost, t0: number, nowSeconds: number): HalfHourTruth {
  const t1 = t0 + 1800;
  const busy = truth.cpuSecondsBetween(h, t0, t1, BUSY_MODES);
  const idle = truth.cpuSecondsBetween(h, t0, t1, IDLE_MODES);
  const other = truth.cpuSecondsBetween(h, t0, t1, ['steal']);
  const p = { ...profiles.default, ...(profiles as Record<string, object>)[h.labels.machine_name!] };
  const times = truth.series(h).samples.timesMs.filter((ms) => ms > (t1 - 1800) * 1000 && ms <= t1 * 1000);
  const memBytes = times.length ? times.reduce((a, ms) => a + memActiveBytesAt(h, ms), 0) / times.length : 0;
  const elapsed = (busy + idle + other) / h.cpus;
  const staticJ = (memBytes / GiB) * p.memoryWattsPerGiB * elapsed + p.otherWatts * elapsed;
  const joules = (busy * p.busyWattsPerCpu + idle * p.idleWattsPerCpu + staticJ) * PUE;
  const busyShare = busy + idle > 0 ? busy / (busy + idle) : 0;
  const busyJoules = (busy * p.busyWattsPerCpu + staticJ * busyShare) * PUE;
  const grams = (joules / 3.6e6) * expectedIntensity('national', t0, nowSeconds);
  return { busy, idle, other, joules, busyJoules, grams };
}

export function hourTruth(h: FleetHost, hourStart: number, nowSeconds: number): HalfHourTruth {
  const a = halfHourTruth(h, hourStart, nowSeconds);
  const b = halfHourTruth(h, hourStart + 1800, nowSeconds);
  return {
    busy: a.busy + b.busy,
    idle: a.idle + b.idle,
    other: a.other + b.other,
    joules: a.joules + b.joules,
    busyJoules: a.busyJoules + b.busyJoules,
    grams: a.grams + b.grams,
  };
}

export interface Upstreams {
  /** Prometheus, or VictoriaMetrics serving the same API (see StartUpstreamsOptions.engine). */
  prom: PrometheusApiServer;
  carbon: CarbonServer;
  dir: string;
  stop(): Promise<void>;
}

export interface StartUpstreamsOptions {
  /** The query engine holding the fleet: Prometheus from promtool blocks (default), or VictoriaMetrics via import. */
  engine?: 'prometheus' | 'victoria-metrics';
  /** Extra VictoriaMetrics flags, e.g. `-search.maxLookback=5m`. */
  victoriaMetricsArgs?: string[];
}

export async function startUpstreams(opts: StartUpstreamsOptions = {}): Promise<Upstreams> {
  const dir = tempDir('ada-carbon-history-');
  const [prom, carbon] = await Promise.all([
    opts.engine === 'victoria-metrics'
      ? startFleetVictoriaMetrics(opts.victoriaMetricsArgs)
      : startFleetPrometheus(dir),
    startCarbonServer(),
  ]);
  return {
    prom,
    carbon,
    dir,
    stop: async () => {
      await Promise.all([prom.stop(), carbon.stop()]);
    },
  };
}

async function startFleetPrometheus(dir: string): Promise<PrometheusApiServer> {
  await writeFleetOpenMetrics(spec, path.join(dir, 'fleet.om'));
  await createBlocks(path.join(dir, 'fleet.om'), path.join(dir, 'blocks'));
  fs.rmSync(path.join(dir, 'fleet.om'));
  return startPrometheus({ blocksDir: path.join(dir, 'blocks') });
}

async function startFleetVictoriaMetrics(extraArgs: string[] = []): Promise<PrometheusApiServer> {
  const vm = await startVictoriaMetrics({ extraArgs });
  try {
    await importFleet(vm, spec);
  } catch (err) {
    await vm.stop();
    throw err;
  }
  return vm;
}

export const OWNERSHIP = [
  {
    hostname: 'host-172-16-0-1',
    owner: 'alice',
    created_time: new Date((START - 86400) * 1000).toISOString(),
    deleted_time: new Date((START + 3 * 3600) * 1000).toISOString(),
  },
  {
    hostname: 'host-172-16-0-1',
    owner: 'bob',
    created_time: new Date((START + 3 * 3600) * 1000).toISOString(),
    deleted_time: null,
  },
  { hostname: '172.16.0.2', owner: 'carol', created_time: START - 86400, deleted_time: null },
  // overlaps carol's open record: the later record wins while both are open
  { hostname: '172.16.0.2', owner: 'dave', created_time: START + 2 * 3600, deleted_time: START + 4 * 3600 },
];

export function historyConfig(
  up: Pick<Upstreams, 'prom' | 'carbon'>,
  extra: Record<string, unknown> = {},
  promUrl = up.prom.url
): LoadedConfig {
  const dir = tempDir();
  const ownershipFile = path.join(dir, 'owners.json');
  fs.writeFileSync(ownershipFile, JSON.stringify(OWNERSHIP));
  return testConfig(
    {
      prometheus: { url: promUrl, retries: 0, timeoutSeconds: 10 },
      carbonIntensity: { url: up.carbon.url, cacheSeconds: 0 },
      machines: profiles,
      pue: PUE,
      ...extra,
      // merged: a test's history settings keep the ownership records
      history: { hoursPerQuery: 4, ownership: { file: ownershipFile }, ...(extra.history as object | undefined) },
    },
    dir
  );
}

export function clients(loaded: LoadedConfig) {
  const c = loaded.config;
  return {
    prometheus: new PrometheusClient({
      url: c.prometheus.url!,
      timeoutSeconds: c.prometheus.timeoutSeconds,
      retries: c.prometheus.retries,
      retryBaseDelayMs: 10,
    }),
    carbon: new CarbonIntensityClient({
      baseUrl: c.carbonIntensity.url,
      timeoutSeconds: 5,
      cacheSeconds: 0,
      fallbackGramsPerKwh: c.carbonIntensity.fallbackGramsPerKwh,
    }),
  };
}

export const within = (got: number, want: number, ratio = 0.005): boolean =>
  Math.abs(got - want) <= ratio * Math.max(Math.abs(want), 1e-9) + 1e-9;
