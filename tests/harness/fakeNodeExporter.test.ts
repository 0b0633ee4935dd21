import { spawnSync } from 'child_process';
import { requireBinary } from './binaries';
import { FAKE_CPU_MODES, FakeNode, modeShares, startFakeNodeExporter } from './fakeNodeExporter';

/** metric{labels} -> value of an exposition text */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

const cpuSum = (m: Map<string, number>, cpu?: string): number =>
  [...m]
    .filter(([k]) => k.startsWith('node_cpu_seconds_total{') && (cpu === undefined || k.includes(`cpu="${cpu}"`)))
    .reduce((a, [, v]) => a + v, 0);

describe('the node_exporter stand-in', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('splits each second over the eight modes', () => {
    for (const load of [0, 0.3, 1]) {
      const s = modeShares(load);
      expect(Object.values(s).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(s.user + s.nice + s.system + s.irq + s.softirq).toBeCloseTo(load * (1 - s.steal), 12);
    }
  });

  it('serves every mode of every CPU, boot time and memory, with HELP and TYPE, that promtool accepts', () => {
    const node = new FakeNode({ cpus: 2, uptimeSeconds: 100, clock });
    const text = node.render();
    const m = parse(text);
    expect(m.get('node_boot_time_seconds')).toBe(now - 100);
    for (const cpu of ['0', '1'])
      for (const mode of FAKE_CPU_MODES)
        expect(m.has(`node_cpu_seconds_total{cpu="${cpu}",mode="${mode}"}`)).toBe(true);
    expect(cpuSum(m)).toBeCloseTo(200, 3);
    expect(m.get('node_memory_MemTotal_bytes')).toBe(8 * 2 ** 30);
    expect(m.get('node_memory_Active_bytes')).toBe(2 * 2 ** 30);
    expect(text).toMatch(/^# TYPE node_cpu_seconds_total counter$/m);
    expect(text).toMatch(/^# HELP node_boot_time_seconds .+$/m);
    const r = spawnSync(requireBinary('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
    // the real node_exporter's node_memory_*_bytes names draw the same camelCase lint, and only that
    const complaints = `${r.stdout}${r.stderr}`
      .split('\n')
      .filter((l) => l.trim() !== '' && !/^node_memory_\w+ metric names should be written in 'snake_case'/.test(l));
    expect(complaints).toEqual([]);
  });

  it('advances counters with time at the load set per CPU', () => {
    const node = new FakeNode({ cpus: 2, load: 0, clock });
    const user0 = node.counter(0, 'user');
    node.setLoad(1, 1);
    now += 10;
    expect(node.counter(0, 'user')).toBe(user0);
    expect(node.counter(1, 'user') - user0).toBeCloseTo(10 * modeShares(1).user, 9);
    expect(node.counter(0, 'idle')).toBeGreaterThan(node.counter(1, 'idle'));
  });

  it('an offline CPU vanishes and comes back with its old, frozen values', () => {
    const node = new FakeNode({ cpus: 4, clock });
    const before = node.counter(3, 'idle');
    node.setOnline(3, false);
    now += 30;
    const off = parse(node.render());
    expect([...off.keys()].some((k) => k.includes('cpu="3"'))).toBe(false);
    expect(node.onlineCpus).toBe(3);
    node.setOnline(3, true);
    expect(parse(node.render()).get('node_cpu_seconds_total{cpu="3",mode="idle"}')).toBeCloseTo(before, 5);
  });

  it('iowait steps back on one CPU only; a reboot restarts every counter at 0 with a new boot time', () => {
    const node = new FakeNode({ cpus: 2, clock });
    const io0 = node.counter(0, 'iowait');
    const io1 = node.counter(1, 'iowait');
    node.stepBack(0, 'iowait', 30);
    expect(node.counter(0, 'iowait')).toBeCloseTo(io0 - 30, 9);
    expect(node.counter(1, 'iowait')).toBeCloseTo(io1, 9);
    now += 0.5;
    const oldBoot = node.bootTimeSeconds;
    node.reboot();
    expect(node.bootTimeSeconds).toBeGreaterThan(oldBoot);
    expect(node.bootTimeSeconds).toBeLessThanOrEqual(now);
    expect(cpuSum(parse(node.render()))).toBe(0);
    now += 5;
    // counters since the boot can never exceed CPUs x (now - boot time)
    expect(cpuSum(parse(node.render()))).toBeLessThanOrEqual(2 * (now - node.bootTimeSeconds));
  });

  it('serves over HTTP on loopback, with a duplicated series when asked', async () => {
    const running = await startFakeNodeExporter({ cpus: 1 });
    try {
      expect(running.address).toBe(`127.0.0.1:${running.port}`);
      running.node.duplicate('node_boot_time_seconds', { boot: 'stale' }, 42);
      const res = await fetch(`${running.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      const m = parse(text);
      expect(m.get('node_boot_time_seconds{boot="stale"}')).toBe(42);
      expect(m.get('node_boot_time_seconds')).toBe(running.node.bootTimeSeconds);
      // one TYPE line per family, the duplicate inside it
      expect(text.match(/^# TYPE node_boot_time_seconds /gm)).toHaveLength(1);
      expect(running.node.scrapes).toBe(1);
      running.node.clearDuplicates();
      expect(
        parse(await (await fetch(`${running.url}/metrics`)).text()).has('node_boot_time_seconds{boot="stale"}')
      ).toBe(false);
      expect((await fetch(`${running.url}/other`)).status).toBe(404);
    } finally {
      await running.stop();
    }
  });
});
