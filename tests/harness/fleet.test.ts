import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createBlocks } from './blocks';
import { CPU_MODES, adaFleet, fleetTruth, type FleetHost, type FleetSpec } from './fleet';
import { shardRanges } from './fleetBlocks';
import { escapeLabelValue, formatCounter, formatTimestampSeconds, writeFleetOpenMetrics } from './openmetrics';

const START = 1_767_218_400; // 2025-12-31T22:00:00Z, a 2 h block boundary
const idle = (busy: number): Record<string, number> => ({ user: busy * 0.7, system: busy * 0.3, idle: 1 - busy });

describe('fleet arithmetic', () => {
  const host: FleetHost = {
    instance: 'h1:9100',
    labels: { host: '172.16.0.1' },
    cpus: 2,
    modeShares: idle(0.1),
    memTotalBytes: 1000,
    memActiveBytes: 400,
    bootTimeSeconds: START - 100,
    reboots: [START + 607],
  };
  const spec: FleetSpec = { startSeconds: START, endSeconds: START + 1200, stepSeconds: 15, hosts: [host] };
  const truth = fleetTruth(spec);

  it('all modes of a CPU add up to the time since boot (the sum check)', () => {
    const sumAll = (t: number): number => CPU_MODES.reduce((s, m) => s + truth.sampleAt(host, 'cpu', t, m)!, 0);
    expect(sumAll(START)).toBe(2 * 100);
    expect(sumAll(START + 600)).toBe(2 * 700);
    expect(sumAll(START + 615)).toBe(2 * 8); // rebooted at +607
    expect(truth.sampleAt(host, 'boot', START + 615)).toBe(START + 607);
    expect(truth.sampleAt(host, 'boot', START + 600)).toBe(START - 100);
  });

  it('instant values follow the lookback and the per-CPU busy factors', () => {
    expect(truth.sampleAt(host, 'cpu', START - 1, 'user')).toBeUndefined();
    expect(truth.sampleAt(host, 'cpu', START + 1500, 'user')).toBe(truth.sampleAt(host, 'cpu', START + 1200, 'user'));
    expect(truth.sampleAt(host, 'cpu', START + 1501, 'user')).toBeUndefined();
    const { counters, samples } = truth.series(host);
    const n = samples.timesMs.length;
    const cpu0User = counters[0 * n + 10]!;
    const cpu1User = counters[CPU_MODES.length * n + 10]!;
    expect(cpu1User).toBeLessThan(cpu0User); // CPU 1 is 0.9x as busy
  });

  it('cpuSecondsBetween counts across a reboot from 0', () => {
    const before = truth.sampleAt(host, 'cpu', START + 600, 'idle')!;
    const start = truth.sampleAt(host, 'cpu', START + 300, 'idle')!;
    const after = truth.sampleAt(host, 'cpu', START + 900, 'idle')!;
    expect(truth.cpuSecondsBetween(host, START + 300, START + 900, ['idle'])).toBe(before - start + after);
    // All modes over a window without reboot: the elapsed CPU time.
    expect(truth.cpuSecondsBetween(host, START, START + 600, CPU_MODES)).toBe(2 * 600);
  });

  it('rejects shares that do not sum to 1 and unknown modes', () => {
    const bad = { ...host, modeShares: { user: 0.5, idle: 0.4 } };
    expect(() => fleetTruth({ ...spec, hosts: [bad] }).sampleAt(bad, 'cpu', START, 'user')).toThrow(/sum to 0.9/);
    const odd = { ...host, modeShares: { busy: 0.1, idle: 0.9 } };
    expect(() => fleetTruth({ ...spec, hosts: [odd] }).sampleAt(odd, 'cpu', START, 'idle')).toThrow(
      /unknown CPU mode "busy"/
    );
  });

  it('formats numbers so that promtool reads them back exactly', () => {
    for (let ms = 1_767_218_400_000; ms < 1_767_218_400_000 + 3000; ms += 7) {
      expect(Math.trunc(Number(formatTimestampSeconds(ms)) * 1000)).toBe(ms);
    }
    for (const v of [0, 1 / 1024, 1111565.00390625, 123.5, 2 ** 39 + 1023 / 1024, 0.1])
      expect(Number(formatCounter(v))).toBe(v);
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });

  it('adaFleet is deterministic and Ada-like', () => {
    const a = adaFleet({ hosts: 300, startSeconds: START, endSeconds: START + 1800, stepSeconds: 15, seed: 3 });
    const b = adaFleet({ hosts: 300, startSeconds: START, endSeconds: START + 1800, stepSeconds: 15, seed: 3 });
    const strip = (s: FleetSpec): string =>
      JSON.stringify(s.hosts.map((h) => ({ ...h, modeShares: 0, memActiveBytes: 0 })));
    expect(strip(a)).toBe(strip(b));
    const projects = new Set(a.hosts.map((h) => h.labels.cloud_project_name));
    expect([...projects].sort()).toEqual(['CDAaaS', 'DDAaaS', 'IDAaaS']);
    expect(a.hosts[0]!.labels.host).toMatch(/^172\.16\.\d+\.\d+$/);
    expect(a.hosts.some((h) => h.reboots)).toBe(true);
    const t = fleetTruth(a);
    const idleShare =
      a.hosts.reduce((s, h) => s + t.cpuSecondsBetween(h, START + 600, START + 1200, ['idle']), 0) /
      a.hosts.reduce((s, h) => s + t.cpuSecondsBetween(h, START + 600, START + 1200, CPU_MODES), 0);
    expect(idleShare).toBeGreaterThan(0.7); // mostly idle, like Ada
  });

  it('shards split at 2 h block boundaries, then evenly', () => {
    const s = { startSeconds: START - 1800, endSeconds: START + 1800, stepSeconds: 15, hosts: [] };
    expect(shardRanges(s, 1)).toEqual([
      [0, 120],
      [120, 241],
    ]);
    expect(shardRanges(s, 4)).toEqual([
      [0, 60],
      [60, 120],
      [120, 180],
      [180, 241],
    ]);
  });
});

describe('promtool', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-promtool-test-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('createBlocks reports promtool stderr', async () => {
    const file = path.join(dir, 'bad.om');
    fs.writeFileSync(file, 'up 1 100\n'); // no "# EOF"
    await expect(createBlocks(file, path.join(dir, 'out'))).rejects.toThrow(/promtool .* failed[\s\S]*EOF/);
  });

  it('accepts the written file and its family layout', async () => {
    const spec = adaFleet({ hosts: 5, cpus: 2, startSeconds: START, endSeconds: START + 300, stepSeconds: 15 });
    const file = path.join(dir, 'small.om');
    const stats = await writeFleetOpenMetrics(spec, file);
    const text = fs.readFileSync(file, 'utf8');
    expect(stats.bytes).toBe(Buffer.byteLength(text));
    expect(text.endsWith('# EOF\n')).toBe(true);
    // Each family appears in one contiguous run, with its metadata first.
    const names = text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.slice(0, l.indexOf('{')));
    const runs = names.filter((nm, i) => i === 0 || names[i - 1] !== nm);
    expect(runs).toEqual([
      'node_cpu_seconds_total',
      'node_boot_time_seconds',
      'node_memory_Active_bytes',
      'node_memory_MemTotal_bytes',
      'up',
    ]);
    expect(text).toContain('# TYPE node_cpu_seconds counter\n# UNIT node_cpu_seconds seconds\n');
    await createBlocks(file, path.join(dir, 'blocks'));
    expect(fs.readdirSync(path.join(dir, 'blocks')).length).toBeGreaterThan(0);
  });
});
