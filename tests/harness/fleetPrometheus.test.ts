import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createBlocks } from './blocks';
import { CPU_MODES, fleetTruth, type FleetHost, type FleetSpec, type FleetTruth } from './fleet';
import { buildFleetBlocks } from './fleetBlocks';
import { writeFleetOpenMetrics } from './openmetrics';
import { startPrometheus, type RunningPrometheus } from './prometheus';

// A small fleet with a reboot, a scrape gap, a late boot, a deletion and awkward label values, loaded into a real
// Prometheus from promtool-made blocks; PromQL must return exactly what fleetTruth says.
const START = 1_767_216_600; // 21:30Z: the fleet crosses the 22:00 two-hour block boundary
const END = START + 3600;

const hosts: FleetHost[] = [
  {
    instance: 'host-172-16-100-5.nubes.example:9100',
    labels: { cloud_project_name: 'IDAaaS', machine_name: 'Muon', host: '172.16.100.5' },
    cpus: 4,
    modeShares: {
      user: 0.03,
      nice: 0.001,
      system: 0.01,
      idle: 0.95,
      iowait: 0.004,
      irq: 0.001,
      softirq: 0.002,
      steal: 0.002,
    },
    memTotalBytes: 16e9,
    memActiveBytes: 3.5e9,
    bootTimeSeconds: START - 86400 * 3 - 17,
    reboots: [START + 1507],
  },
  {
    instance: 'host-172-16-100-6.nubes.example:9100',
    labels: { cloud_project_name: 'CDAaaS', machine_name: 'Artemis (Matlab)', host: '172.16.100.6' },
    cpus: 2,
    modeShares: (t) => {
      const busy = 0.2 + 0.15 * Math.sin(t / 600);
      return { user: busy * 0.8, system: busy * 0.2, idle: 1 - busy };
    },
    memTotalBytes: 32e9,
    memActiveBytes: (t) => Math.round(8e9 + 1e9 * Math.cos(t / 900)),
    bootTimeSeconds: START - 5000,
    gaps: [[START + 900, START + 1800]],
  },
  {
    instance: 'host-172-16-101-9.nubes.example:9100',
    labels: { cloud_project_name: 'DDAaaS', machine_name: 'Tomo "GPU" \\ x2', host: '172.16.101.9', user: 'abc12345' },
    cpus: 1,
    modeShares: { user: 0.6, system: 0.1, idle: 0.3 },
    memTotalBytes: 8e9,
    memActiveBytes: 6e9,
    bootTimeSeconds: START + 611,
    endSeconds: START + 2400,
  },
];
const spec: FleetSpec = { startSeconds: START, endSeconds: END, stepSeconds: 15, hosts };

// Instants on, between and around samples, inside the gap (< and > 5 min), after deletion, before boot.
const INSTANTS = [
  0, 7, 15, 600, 612, 1000, 1190, 1201, 1506, 1507, 1510, 1800, 2400, 2699, 2700, 2701, 3000, 3600, 3899, 3900, 3901,
].map((d) => START + d);

type MatrixSeries = { metric: Record<string, string>; values: Array<[number, string]> };

function sel(host: FleetHost, extra = ''): string {
  return `{instance="${host.instance}"${extra}}`;
}

async function scalarAt(prom: RunningPrometheus, expr: string, t: number): Promise<number | undefined> {
  const data = await prom.query(expr, t);
  if (data.result.length === 0) return undefined;
  expect(data.result).toHaveLength(1);
  return Number(data.result[0]!.value[1]);
}

/** Increase-free, per-series: from the sample seen at t0 to the last at or before t1, resets counted from 0. */
async function rawCpuSecondsBetween(
  prom: RunningPrometheus,
  host: FleetHost,
  t0: number,
  t1: number,
  mode: string
): Promise<number> {
  const window = t1 - t0 + 300;
  const data = await prom.query<MatrixSeries>(`node_cpu_seconds_total${sel(host, `,mode="${mode}"`)}[${window}s]`, t1);
  let total = 0;
  for (const series of data.result) {
    const pts = series.values.map(([ts, v]) => [ts, Number(v)] as const);
    let base = -1;
    for (let i = 0; i < pts.length; i++) if (pts[i]![0] <= t0 && pts[i]![0] >= t0 - 300) base = i;
    if (base < 0) base = pts.findIndex(([ts]) => ts > t0);
    if (base < 0) continue;
    for (let i = base + 1; i < pts.length; i++) {
      const d = pts[i]![1] - pts[i - 1]![1];
      total += d >= 0 ? d : pts[i]![1];
    }
  }
  return total;
}

async function checkAgainstTruth(prom: RunningPrometheus, truth: FleetTruth): Promise<number> {
  let checks = 0;
  for (const host of hosts) {
    for (const t of INSTANTS) {
      for (const mode of CPU_MODES) {
        const want = truth.sampleAt(host, 'cpu', t, mode);
        const got = await scalarAt(prom, `sum(node_cpu_seconds_total${sel(host, `,mode="${mode}"`)})`, t);
        expect({ host: host.instance, t, mode, v: got }).toEqual({ host: host.instance, t, mode, v: want });
        checks++;
      }
      const gauges: Array<[string, 'boot' | 'memActive' | 'memTotal' | 'up']> = [
        ['node_boot_time_seconds', 'boot'],
        ['node_memory_Active_bytes', 'memActive'],
        ['node_memory_MemTotal_bytes', 'memTotal'],
        ['up', 'up'],
      ];
      for (const [name, metric] of gauges) {
        const got = await scalarAt(prom, `${name}${sel(host)}`, t);
        expect({ host: host.instance, t, name, v: got }).toEqual({
          host: host.instance,
          t,
          name,
          v: truth.sampleAt(host, metric, t),
        });
        checks++;
      }
    }
    for (const [a, b] of [
      [0, 3600],
      [300, 1800],
      [1000, 2000],
      [1499, 1515],
      [2000, 3900],
    ] as const) {
      for (const mode of ['idle', 'user', 'iowait']) {
        const want = truth.cpuSecondsBetween(host, START + a, START + b, [mode]);
        const got = await rawCpuSecondsBetween(prom, host, START + a, START + b, mode);
        expect(got).toBeCloseTo(want, 6);
        checks++;
      }
    }
  }
  return checks;
}

describe('synthetic fleet served by Prometheus from backfilled blocks', () => {
  let dir: string;
  const proms: RunningPrometheus[] = [];
  const truth = fleetTruth(spec);

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-fleet-prom-'));
  });
  afterAll(async () => {
    await Promise.all(proms.map((p) => p.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('labels survive, including quotes, backslashes and a user label', async () => {
    const file = path.join(dir, 'fleet.om');
    await writeFleetOpenMetrics(spec, file);
    await createBlocks(file, path.join(dir, 'blocks'));
    const prom = await startPrometheus({ blocksDir: path.join(dir, 'blocks') });
    proms.push(prom);
    const data = await prom.query('node_memory_MemTotal_bytes', START + 1000);
    const byHost = Object.fromEntries(
      data.result.map((r): [string, Record<string, string>] => [String(r.metric.host), r.metric])
    );
    expect(byHost['172.16.101.9']).toEqual({
      __name__: 'node_memory_MemTotal_bytes',
      cloud_project_name: 'DDAaaS',
      machine_name: 'Tomo "GPU" \\ x2',
      host: '172.16.101.9',
      user: 'abc12345',
      instance: 'host-172-16-101-9.nubes.example:9100',
      job: 'node',
    });
  });

  it('single-file blocks: every instant query equals sampleAt, every delta equals cpuSecondsBetween', async () => {
    const checks = await checkAgainstTruth(proms[0]!, truth);
    expect(checks).toBeGreaterThan(500);
  });

  it('sharded blocks (buildFleetBlocks) give the same answers', async () => {
    const out = path.join(dir, 'sharded');
    const result = await buildFleetBlocks(spec, out, { parallelism: 3 });
    expect(result.shards).toBe(3);
    const prom = await startPrometheus({ blocksDir: out });
    proms.push(prom);
    await checkAgainstTruth(prom, truth);
    // Disjoint shards: no overlapping blocks for Prometheus to merge.
    const metas = fs
      .readdirSync(out)
      .map(
        (b) =>
          JSON.parse(fs.readFileSync(path.join(out, b, 'meta.json'), 'utf8')) as { minTime: number; maxTime: number }
      );
    metas.sort((a, b) => a.minTime - b.minTime);
    for (let i = 1; i < metas.length; i++) expect(metas[i]!.minTime).toBeGreaterThanOrEqual(metas[i - 1]!.maxTime);
  });
});
