/**
 * History's raw recount under misbehaving counters, from synthetic TSDB blocks in a real Prometheus: a vCPU that goes
 * offline and comes back, iowait that goes backwards on one CPU, a real reboot, and one node scraped by two jobs.
 * Stored cpu-seconds are checked against the use the counters really stand for, hour by hour.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createBlocks } from '../../../tests/harness/blocks';
import { startPrometheus } from '../../../tests/harness/prometheus';
import { startCarbonServer } from '../../../tests/harness/carbonServer';
import { openHistory, type HistoryContext } from '../../src/history/context';
import { BUSY_MODES, IDLE_MODES } from '../../src/model/modes';
import { tempDir } from '../support/app';
import { clients, historyConfig, within, type Upstreams } from './support';

const START = Date.UTC(2026, 10, 3, 0, 0) / 1000;
const END = START + 3 * 3600;
const STEP = 15;
/** cpu-seconds per second of one CPU, by mode */
const RATE: Record<string, number> = { user: 0.3, system: 0.1, idle: 0.5, iowait: 0.08, steal: 0.02 };
/** large enough that the half-hour's summed idle goes down (a smaller dip inside a rising sum is netted, see README) */
const DIP = 3000;

interface Host {
  host: string;
  cpus: number;
  jobs: string[];
  /** when a CPU's counters advance (s); samples exist only while it is online */
  online: (cpu: number) => Array<[number, number]>;
  /** boot time in force at t */
  boot: (t: number) => number;
  /** reported value offset (e.g. the kernel's backwards iowait) */
  offset?: (cpu: number, mode: string, t: number) => number;
}

const always = (): Array<[number, number]> => [[-Infinity, Infinity]];
const REBOOT_DOWN = START + 6000;
const REBOOT_BOOT = START + 6030;
const REBOOT_UP = START + 6060;
const HOSTS: Host[] = [
  // CPU 3 offline after the 1,980 s sample, back at 5,010 s with its counters kept
  {
    host: '10.1.0.1',
    cpus: 4,
    jobs: ['node'],
    boot: () => START - 86400,
    online: (c) =>
      c === 3
        ? [
            [-Infinity, START + 1980],
            [START + 5010, Infinity],
          ]
        : always(),
  },
  // cpu0's iowait reads DIP seconds lower from 4,005 s on
  {
    host: '10.1.0.2',
    cpus: 2,
    jobs: ['node'],
    boot: () => START - 86400,
    online: always,
    offset: (c, m, t) => (c === 0 && m === 'iowait' && t >= START + 4005 ? -DIP : 0),
  },
  // down after the 6,000 s sample, booted again at 6,030 s, scraped again from 6,060 s
  {
    host: '10.1.0.3',
    cpus: 2,
    jobs: ['node'],
    boot: (t) => (t < REBOOT_BOOT ? START - 86400 : REBOOT_BOOT),
    online: () => [
      [-Infinity, REBOOT_DOWN],
      [REBOOT_BOOT, Infinity],
    ],
  },
  // one node in two scrape jobs
  { host: '10.1.0.4', cpus: 2, jobs: ['node', 'node-b'], boot: () => START - 86400, online: always },
];

const measure = (spans: Array<[number, number]>, a: number, b: number): number =>
  spans.reduce((s, [x, y]) => s + Math.max(0, Math.min(b, y) - Math.max(a, x)), 0);
/** counter value: time online since the boot in force, times the mode's rate */
const value = (h: Host, cpu: number, mode: string, t: number): number =>
  RATE[mode]! * measure(h.online(cpu), h.boot(t), t) + (h.offset?.(cpu, mode, t) ?? 0);
const sampled = (h: Host, cpu: number, t: number): boolean =>
  h.online(cpu).some(([a, b]) => t >= a && t <= b) && !(t > REBOOT_DOWN && t < REBOOT_UP && h.host === '10.1.0.3');
/** the use the counters stand for over (a, b] */
const truth = (h: Host, a: number, b: number, modes: readonly string[]): number => {
  let s = 0;
  for (let c = 0; c < h.cpus; c++) for (const m of modes) s += (RATE[m] ?? 0) * measure(h.online(c), a, b);
  return s;
};

function openMetrics(): string {
  const lines = ['# HELP node_cpu_seconds Seconds the CPUs spent in each mode.', '# TYPE node_cpu_seconds counter'];
  const base = (h: Host, job: string) =>
    `job="${job}",instance="${h.host}:9100",cloud_project_name="IDAaaS",machine_name="Muon",host="${h.host}"`;
  for (const h of HOSTS)
    for (const job of h.jobs)
      for (let c = 0; c < h.cpus; c++)
        for (const m of Object.keys(RATE)) {
          for (let t = START - 600; t <= END + 600; t += STEP) {
            if (sampled(h, c, t))
              lines.push(`node_cpu_seconds_total{${base(h, job)},cpu="${c}",mode="${m}"} ${value(h, c, m, t)} ${t}`);
          }
        }
  lines.push('# HELP node_boot_time_seconds Node boot time, in unixtime.', '# TYPE node_boot_time_seconds gauge');
  for (const h of HOSTS)
    for (const job of h.jobs) {
      for (let t = START - 600; t <= END + 600; t += STEP)
        if (sampled(h, 0, t)) lines.push(`node_boot_time_seconds{${base(h, job)}} ${h.boot(t)} ${t}`);
    }
  return `${lines.join('\n')}\n# EOF\n`;
}

let up: Upstreams;
const READS = ['range queries', 'remote read'] as const;
/** one backfill per way of reading the raw counters (history.remoteRead off, on) */
const runs = new Map<string, { ctx: HistoryContext; run: Awaited<ReturnType<HistoryContext['runner']['run']>> }>();

beforeAll(async () => {
  const dir = tempDir('ada-carbon-anomalies-');
  fs.writeFileSync(path.join(dir, 'fleet.om'), openMetrics());
  await createBlocks(path.join(dir, 'fleet.om'), path.join(dir, 'blocks'));
  const [prom, carbon] = await Promise.all([
    startPrometheus({ blocksDir: path.join(dir, 'blocks') }),
    startCarbonServer(),
  ]);
  up = {
    prom,
    carbon,
    dir,
    stop: async () => {
      await Promise.all([prom.stop(), carbon.stop()]);
    },
  };
  for (const reads of READS) {
    const remoteRead = reads === 'remote read' ? 'on' : 'off';
    const loaded = historyConfig(up, { history: { hoursPerQuery: 3, remoteRead } });
    const ctx = await openHistory({ config: loaded.config, ...clients(loaded) });
    runs.set(reads, { ctx, run: await ctx.runner.run({ fromSeconds: START, toSeconds: END }) });
  }
}, 120000);

afterAll(async () => {
  await Promise.all([...runs.values()].map(({ ctx }) => ctx.close()));
  await up?.stop();
});

describe.each(READS)('history under misbehaving counters (synthetic blocks, real Prometheus), by %s', (reads) => {
  it('estimates every hour and counts the drop it re-baselined', () => {
    const { run } = runs.get(reads)!;
    expect(run).toMatchObject({ hoursEstimated: 3, hoursFailed: 0 });
    expect(run.counterDrops).toBeGreaterThanOrEqual(1);
    expect(run.samplesFromRemoteRead > 0).toBe(reads === 'remote read');
  });

  it.each(HOSTS.map((h) => [h.host, h] as const))(
    '%s: busy and idle cpu-seconds per hour are what the CPUs really did (0.5%%)',
    async (_name, h) => {
      const { ctx } = runs.get(reads)!;
      for (let hour = START; hour < END; hour += 3600) {
        const rows = await ctx.store.rows({ level: 'host', key: h.host, fromSeconds: hour, toSeconds: hour + 3600 });
        const got = rows.reduce((a, r) => ({ busy: a.busy + r.busyCpuSeconds, idle: a.idle + r.idleCpuSeconds }), {
          busy: 0,
          idle: 0,
        });
        const want = { busy: truth(h, hour, hour + 3600, BUSY_MODES), idle: truth(h, hour, hour + 3600, IDLE_MODES) };
        const msg = `${h.host} hour ${(hour - START) / 3600}: got ${JSON.stringify(got)} want ${JSON.stringify(want)}`;
        expect([msg, within(got.busy, want.busy)]).toEqual([msg, true]);
        expect([msg, within(got.idle, want.idle)]).toEqual([msg, true]);
      }
    }
  );
});
