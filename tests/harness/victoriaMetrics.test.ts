import * as fs from 'fs';
import { fleetTruth, type FleetHost, type FleetSpec } from './fleet';
import {
  importFleet,
  secondsTextToMs,
  startVictoriaMetrics,
  toPrometheusTextLine,
  type ImportStats,
  type RunningVictoriaMetrics,
} from './victoriaMetrics';

// A tiny fleet (a gap, a reboot, a hostile label value) imported through /api/v1/import/prometheus; the samples
// must come back exactly, and the lookback edges show where VictoriaMetrics differs from Prometheus 2.x.
const START = Date.UTC(2026, 10, 1) / 1000; // 2026-11-01T00:00Z: a month before these tests were written
const HOSTILE = 'P "q" \\ x\nz ü😀';
const host: FleetHost = {
  instance: 'host-172-16-0-1.nubes.example:9100',
  labels: { cloud_project_name: HOSTILE, machine_name: 'Muon', host: '172.16.0.1' },
  cpus: 2,
  modeShares: { user: 0.3, system: 0.1, idle: 0.6 },
  memTotalBytes: 8e9,
  memActiveBytes: 1e9,
  bootTimeSeconds: START - 100,
  gaps: [[START + 900, START + 1800]],
  reboots: [START + 2000],
};
const spec: FleetSpec = { startSeconds: START, endSeconds: START + 3600, stepSeconds: 15, hosts: [host] };
const truth = fleetTruth(spec);

let vm: RunningVictoriaMetrics;
let stats: ImportStats;

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  stats = await importFleet(vm, spec);
}, 60000);

afterAll(async () => {
  await vm?.stop();
});

async function valueAt(expr: string, t: number): Promise<number | undefined> {
  const data = await vm.query(expr, t);
  if (data.result.length === 0) return undefined;
  expect(data.result).toHaveLength(1);
  return Number(data.result[0]!.value[1]);
}

describe('VictoriaMetrics harness', () => {
  it('converts OpenMetrics seconds to Prometheus-text milliseconds exactly, and rejects what it cannot', () => {
    expect(secondsTextToMs('1793491200')).toBe('1793491200000');
    expect(secondsTextToMs('1793491200.291')).toBe('1793491200291');
    expect(secondsTextToMs('0.2915')).toBe('291'); // the writer's extra digit, truncated as promtool does
    expect(() => secondsTextToMs('-1')).toThrow(/non-negative timestamp/);
    expect(toPrometheusTextLine('# TYPE up gauge')).toBeUndefined();
    expect(toPrometheusTextLine('up{a="x y"} 1 1793491200.5')).toBe('up{a="x y"} 1 1793491200500');
    expect(() => toPrometheusTextLine('up')).toThrow(/without a timestamp/);
  });

  it('imports every sample in batches and serves them back exactly, labels intact', async () => {
    const samples = truth.series(host).samples.timesMs.length;
    // per sample instant: 2 CPUs x 8 modes, boot time, two memory gauges, up
    expect(stats.samples).toBe(samples * (2 * 8 + 4));
    expect(stats.requests).toBeGreaterThanOrEqual(1);
    const counted = await valueAt('count_over_time(up[2h])', START + 3600);
    expect(counted).toBe(samples);
    const up = await vm.query('up', START + 600);
    expect(up.result[0]!.metric).toMatchObject({ cloud_project_name: HOSTILE, instance: host.instance, job: 'node' });
    for (const d of [15, 600, 885, 1800, 2010, 3600]) {
      for (const mode of ['user', 'idle']) {
        const got = await valueAt(`sum(node_cpu_seconds_total{mode="${mode}"})`, START + d);
        expect([d, mode, got]).toEqual([d, mode, truth.sampleAt(host, 'cpu', START + d, mode)]);
      }
      expect(await valueAt('node_boot_time_seconds', START + d)).toBe(truth.sampleAt(host, 'boot', START + d));
    }
  });

  it('looks back 5 minutes like Prometheus, but excludes a sample exactly 5 minutes old (Prometheus 2.x keeps it)', async () => {
    const lastBeforeGap = START + 885;
    expect(await valueAt('up', lastBeforeGap + 299)).toBe(1);
    expect(truth.sampleAt(host, 'up', lastBeforeGap + 300)).toBe(1); // what Prometheus 2.42 answers
    expect(await valueAt('up', lastBeforeGap + 300)).toBeUndefined();
  });

  it('reads range selectors as (t - d, t], one sample fewer than Prometheus 2.x on a sample-aligned window', async () => {
    // 30 min of 15 s samples: Prometheus 2.42 counts 121 ([t - 30m, t]); VictoriaMetrics 120
    expect(await valueAt('count_over_time(up[30m])', START + 3600)).toBe(120);
  });

  it('answers an instant query at the very first sample of a series with nothing, and 1 ms later with it', async () => {
    expect(truth.sampleAt(host, 'up', START)).toBe(1);
    expect(await valueAt('up', START)).toBeUndefined();
    expect(await valueAt('up', START + 0.001)).toBe(1);
  });

  it('does not always store a value bit for bit: an exact 1/1024 fraction comes back rounded', async () => {
    const t = START + 7200;
    const text = ['693014.400390625', '1000.0009765625'].map((v, i) => `p{i="${i}"} ${v} ${t * 1000}`).join('\n');
    await fetch(`${vm.url}/api/v1/import/prometheus`, { method: 'POST', body: text + '\n' });
    await vm.forceFlush();
    const got = new Map((await vm.query('p', t + 1)).result.map((r) => [r.metric.i, Number(r.value[1])]));
    expect(got.get('1')).toBe(1000.0009765625);
    // Prometheus stores float64 as given; here the relative error is about 1e-12
    expect(got.get('0')).not.toBe(693014.400390625);
    expect(Math.abs(got.get('0')! / 693014.400390625 - 1)).toBeLessThan(1e-11);
  });

  it('hides the last 30 s before now from instant queries (-search.latencyOffset); timestamp() tells the truth', async () => {
    const now = Math.floor(Date.now() / 1000);
    const text = [60, 45, 30, 15, 5].map((ago) => `recent ${now - ago} ${(now - ago) * 1000}`).join('\n');
    await fetch(`${vm.url}/api/v1/import/prometheus`, { method: 'POST', body: text + '\n' });
    await vm.forceFlush();
    // Prometheus answers with the sample 5 s old
    expect(await valueAt('recent', now)).toBe(now - 30);
    expect(await valueAt('timestamp(recent)', now)).toBe(now - 30);
  });

  it('answers /api/v1/series for the whole day, and /api/v1/status/buildinfo without a version', async () => {
    // the fleet's samples end at 01:00; Prometheus answers [] for 02:00-03:00
    const params = new URLSearchParams({ 'match[]': 'up', start: String(START + 7200), end: String(START + 10800) });
    const series = (await (await fetch(`${vm.url}/api/v1/series?${params.toString()}`)).json()) as { data: unknown[] };
    expect(series.data).toHaveLength(1);
    const info = (await (await fetch(`${vm.url}/api/v1/status/buildinfo`)).json()) as object;
    expect(info).toEqual({ status: 'success', data: {} });
  });

  it('removes its data directory on stop', async () => {
    const other = await startVictoriaMetrics();
    expect(fs.existsSync(other.dataDir)).toBe(true);
    await other.stop();
    expect(fs.existsSync(other.dataDir)).toBe(false);
  });
});
