import * as http from 'http';
import { freePort } from './ports';

/**
 * A node_exporter stand-in whose counters the test controls: CPU counters advance with wall time from a per-CPU load,
 * and the misbehaviour real kernels and scrape setups show (CPUs going offline, iowait stepping backwards, reboots,
 * duplicated series) can be switched on at any moment while a real Prometheus scrapes it.
 */
export const FAKE_CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
export type FakeCpuMode = (typeof FAKE_CPU_MODES)[number];

/** Steal is a fixed share so that the counted modes stay a little below 1 cpu-s/s: scrape jitter is not overuse. */
export const STEAL_SHARE = 0.02;

/** How one second of a CPU at busy share b is spread over the modes (they add up to 1). */
export function modeShares(busy: number): Record<FakeCpuMode, number> {
  const b = Math.min(1, Math.max(0, busy)) * (1 - STEAL_SHARE);
  const i = 1 - STEAL_SHARE - b;
  return {
    user: 0.7 * b,
    nice: 0.02 * b,
    system: 0.2 * b,
    irq: 0.03 * b,
    softirq: 0.05 * b,
    idle: 0.9 * i,
    iowait: 0.1 * i,
    steal: STEAL_SHARE,
  };
}

export interface FakeNodeOptions {
  cpus?: number;
  /** busy share of every CPU, 0-1 */
  load?: number;
  /** the node has been up this long when the stand-in starts; its counters hold that much time */
  uptimeSeconds?: number;
  memTotalBytes?: number;
  memActiveBytes?: number;
  /** unix seconds; injectable for the stand-in's own test */
  clock?: () => number;
}

interface Cpu {
  online: boolean;
  load: number;
  values: Record<FakeCpuMode, number>;
}

interface ExtraSeries {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const HELP: Record<string, [type: string, help: string]> = {
  node_boot_time_seconds: ['gauge', 'Node boot time, in unixtime.'],
  node_cpu_seconds_total: ['counter', 'Seconds the CPUs spent in each mode.'],
  node_memory_Active_bytes: ['gauge', 'Memory information field Active_bytes.'],
  node_memory_MemTotal_bytes: ['gauge', 'Memory information field MemTotal_bytes.'],
};

const labelText = (labels: Record<string, string>): string => {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
  );
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
};

const zeros = (): Record<FakeCpuMode, number> =>
  Object.fromEntries(FAKE_CPU_MODES.map((m) => [m, 0])) as Record<FakeCpuMode, number>;

export class FakeNode {
  bootTimeSeconds: number;
  memTotalBytes: number;
  memActiveBytes: number;
  /** /metrics requests served */
  scrapes = 0;
  private readonly cpuList: Cpu[];
  private readonly extra: ExtraSeries[] = [];
  private readonly clock: () => number;
  private last: number;

  constructor(opts: FakeNodeOptions = {}) {
    this.clock = opts.clock ?? (() => Date.now() / 1000);
    this.last = this.clock();
    const uptime = opts.uptimeSeconds ?? 3600;
    // a whole second, as the kernel's btime is
    this.bootTimeSeconds = Math.floor(this.last - uptime);
    this.memTotalBytes = opts.memTotalBytes ?? 8 * 2 ** 30;
    this.memActiveBytes = opts.memActiveBytes ?? 2 * 2 ** 30;
    const load = opts.load ?? 0.25;
    const elapsed = this.last - this.bootTimeSeconds;
    this.cpuList = Array.from({ length: opts.cpus ?? 4 }, () => {
      const shares = modeShares(load);
      const values = zeros();
      for (const m of FAKE_CPU_MODES) values[m] = shares[m] * elapsed;
      return { online: true, load, values };
    });
  }

  get cpuCount(): number {
    return this.cpuList.length;
  }

  get onlineCpus(): number {
    return this.cpuList.filter((c) => c.online).length;
  }

  /** Brings every online CPU's counters up to now; called before any change so the old load applies until it. */
  private advance(): void {
    const now = this.clock();
    const dt = Math.max(0, now - this.last);
    this.last = now;
    for (const c of this.cpuList) {
      if (!c.online) continue;
      const shares = modeShares(c.load);
      for (const m of FAKE_CPU_MODES) c.values[m] += shares[m] * dt;
    }
  }

  private cpu(i: number): Cpu {
    const c = this.cpuList[i];
    if (!c) throw new Error(`FakeNode: no CPU ${i} (has ${this.cpuList.length})`);
    return c;
  }

  /** Busy share 0-1 of one CPU, or of all when cpu is omitted. */
  setLoad(busy: number, cpu?: number): void {
    this.advance();
    for (const c of cpu === undefined ? this.cpuList : [this.cpu(cpu)]) c.load = busy;
  }

  /** An offline CPU's series vanish and its counters freeze; back online they reappear with their old values. */
  setOnline(cpu: number, online: boolean): void {
    this.advance();
    this.cpu(cpu).online = online;
  }

  /** One CPU's counter of one mode steps back (the kernel's iowait does), never below 0. */
  stepBack(cpu: number, mode: FakeCpuMode, seconds: number): void {
    this.advance();
    const c = this.cpu(cpu);
    c.values[mode] = Math.max(0, c.values[mode] - seconds);
  }

  /** A new boot: every CPU online at 0, the boot time a whole second at or before now. */
  reboot(bootTimeSeconds?: number): void {
    this.advance();
    this.bootTimeSeconds = bootTimeSeconds ?? Math.floor(this.last) - 1;
    for (const c of this.cpuList) {
      c.online = true;
      c.values = zeros();
    }
  }

  /** Serves one more series of a family (it needs a label the real one lacks, or Prometheus rejects the scrape). */
  duplicate(name: string, labels: Record<string, string>, value: number): void {
    this.extra.push({ name, labels, value });
  }

  clearDuplicates(): void {
    this.extra.length = 0;
  }

  /** cpu-seconds of one CPU and mode now (whether or not it is online). */
  counter(cpu: number, mode: FakeCpuMode): number {
    this.advance();
    return this.cpu(cpu).values[mode];
  }

  /** The text exposition format, as node_exporter serves it. */
  render(): string {
    this.advance();
    const families = new Map<string, string[]>(Object.keys(HELP).map((n) => [n, []]));
    const add = (name: string, labels: Record<string, string>, value: number) =>
      families.get(name)!.push(`${name}${labelText(labels)} ${value}`);
    add('node_boot_time_seconds', {}, this.bootTimeSeconds);
    this.cpuList.forEach((c, i) => {
      if (!c.online) return;
      for (const m of FAKE_CPU_MODES)
        add('node_cpu_seconds_total', { cpu: String(i), mode: m }, Number(c.values[m].toFixed(6)));
    });
    add('node_memory_Active_bytes', {}, this.memActiveBytes);
    add('node_memory_MemTotal_bytes', {}, this.memTotalBytes);
    for (const e of this.extra) {
      if (!families.has(e.name)) families.set(e.name, []);
      families.get(e.name)!.push(`${e.name}${labelText(e.labels)} ${e.value}`);
    }
    const out: string[] = [];
    for (const [name, lines] of families) {
      const [type, help] = HELP[name] ?? ['untyped', name];
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
    }
    return `${out.join('\n')}\n`;
  }
}

export interface RunningFakeNode {
  node: FakeNode;
  url: string;
  port: number;
  /** "127.0.0.1:PORT", ready for a static_configs target */
  address: string;
  stop(): Promise<void>;
}

function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startFakeNodeExporter(opts: FakeNodeOptions = {}): Promise<RunningFakeNode> {
  const node = new FakeNode(opts);
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/metrics') {
      node.scrapes++;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(node.render());
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  let lastError: unknown;
  // the free port can be taken before we bind it: retry with another
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      await listen(server, port);
    } catch (err) {
      lastError = err;
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
      throw err;
    }
    return {
      node,
      port,
      url: `http://127.0.0.1:${port}`,
      address: `127.0.0.1:${port}`,
      stop: () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }
  throw lastError;
}
