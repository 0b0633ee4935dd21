/**
 * Counter misbehaviour on real parts: node_exporter stand-ins whose counters the test drives, scraped every second by
 * a real Prometheus, tracked by the real exporter app, its /metrics read after every cycle. Each scenario has its own
 * stand-in, host and selector (and so its own tracker and anomaly counts); they run side by side to keep the file short.
 */
import type { FastifyInstance } from 'fastify';
import { physicalLimitWatts } from '../../src/model/power';
import { parseExposition, sumOf, testApp, testConfig } from '../support/app';
import {
  anomalyTotal,
  chargedJoules,
  cleanWatts,
  CPUS,
  MEM_ACTIVE_BYTES,
  PROFILE,
  PUE,
  readingOf,
  runScenario,
  SCENARIOS,
  scenarioConfig,
  spanSeconds,
  startScenarioStack,
  type CycleReading,
  type Scenario,
  type ScenarioName,
  type ScenarioStack,
} from '../support/counterScenarios';

interface Sample extends CycleReading {
  metrics: Map<string, number>;
}

const ENERGY = 'ada_carbon_workspace_energy_joules_total';
const STARTED = 'ada_carbon_workspace_started_timestamp_seconds';
const ANOMALIES = 'ada_carbon_tracking_anomalies_total';
/** what Prometheus' scrape timing can add to a span measured between tracking cycles */
const SCRAPE_JITTER_SECONDS = 2;

let stack: ScenarioStack;
const apps = new Map<ScenarioName, FastifyInstance>();
const runs = new Map<ScenarioName, Sample[]>();

/** The series of one family: label text (without the name) -> value, optionally without some labels, summed. */
function seriesOf(m: Map<string, number>, name: string, drop: string[] = []): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of m) {
    if (!k.startsWith(`${name}{`)) continue;
    const labels = [...k.slice(name.length + 1, -1).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)]
      .filter((x) => !drop.includes(x[1]!))
      .map((x) => `${x[1]}="${x[2]}"`)
      .join(',');
    out.set(labels, (out.get(labels) ?? 0) + v);
  }
  return out;
}

/** Failures as text, so one assertion shows every cycle that broke the rule with its numbers. */
const outside = (what: string, x: number, lo: number, hi: number): string[] =>
  x >= lo && x <= hi ? [] : [`${what}: ${x.toFixed(3)} not within [${lo.toFixed(3)}, ${hi.toFixed(3)}]`];
const pairs = <T>(xs: T[]): Array<[T, T, number]> => xs.slice(1).map((x, i) => [xs[i]!, x, i + 1]);
const rebootedAt = (prev: Sample, cur: Sample, host: string): boolean => {
  const started = (s: Sample) =>
    seriesOf(s.metrics, STARTED).get(
      [...seriesOf(s.metrics, STARTED).keys()].find((k) => k.includes(`host="${host}"`)) ?? ''
    );
  return started(prev) !== started(cur);
};

beforeAll(async () => {
  stack = await startScenarioStack();
  for (const s of SCENARIOS)
    apps.set(s.name, await testApp(testConfig(scenarioConfig(s, stack.prom.url, stack.carbon.url))));
  await Promise.all(
    SCENARIOS.map(async (s) => {
      const app = apps.get(s.name)!;
      const node = stack.nodes.get(s.name)!.node;
      runs.set(
        s.name,
        await runScenario<Sample>(s, node, async () => {
          const snap = await app.tracker.refresh();
          const res = await app.inject({ method: 'GET', url: '/metrics' });
          return { ...readingOf(snap, node), metrics: parseExposition(res.body) };
        })
      );
    })
  );
}, 90000);

afterAll(async () => {
  await Promise.all([...apps.values()].map((a) => a.close()));
  await stack?.stop();
});

describe.each(SCENARIOS.map((s) => [s.title, s] as [string, Scenario]))('%s', (_title, s) => {
  const samples = () => runs.get(s.name)!;

  it('every cycle succeeds and shows exactly one workspace for the host', () => {
    expect(samples()).toHaveLength(9);
    for (const x of samples()) {
      expect(x.workspaces.map((w) => w.host)).toEqual([s.host]);
      expect(sumOf(x.metrics, 'ada_carbon_tracking_cycles_total', 'result="failed"')).toBe(0);
      expect(sumOf(x.metrics, 'ada_carbon_workspaces')).toBe(1);
      expect([...seriesOf(x.metrics, ENERGY, ['state']).keys()]).toEqual([expect.stringContaining(`host="${s.host}"`)]);
    }
  });

  it('no cycle charges more than the physical limit, and the energy counters never go down (but at a reboot)', () => {
    const limitWatts = physicalLimitWatts(PROFILE, CPUS, MEM_ACTIVE_BYTES) * PUE;
    const bad: string[] = [];
    for (const [prev, cur, i] of pairs(samples())) {
      const before = seriesOf(prev.metrics, ENERGY, ['state']);
      for (const [labels, joules] of seriesOf(cur.metrics, ENERGY, ['state'])) {
        const was = before.get(labels);
        if (was === undefined) continue;
        const limit = limitWatts * (cur.atSeconds - prev.atSeconds + SCRAPE_JITTER_SECONDS);
        bad.push(...outside(`cycle ${i} ${labels} joules`, joules - was, -Infinity, limit));
      }
      if (rebootedAt(prev, cur, s.host)) continue;
      const each = seriesOf(prev.metrics, ENERGY);
      for (const [labels, value] of seriesOf(cur.metrics, ENERGY)) {
        if (each.has(labels)) bad.push(...outside(`cycle ${i} ${labels} counter`, value, each.get(labels)!, Infinity));
      }
    }
    expect(bad).toEqual([]);
  });

  it('counts the expected anomaly kinds and no other counter anomaly', () => {
    const last = samples().at(-1)!.metrics;
    const bad: string[] = [];
    for (const kind of ['counter_drop', 'cpu_set_change', 'duplicate_series', 'duplicate_target']) {
      const n = sumOf(last, ANOMALIES, `kind="${kind}"`);
      bad.push(...(s.expectedKinds.includes(kind) ? outside(kind, n, 1, Infinity) : outside(kind, n, 0, 0)));
    }
    expect(bad).toEqual([]);
  });

  it('an anomaly cycle charges about what the clean load gives for its time, not thousands of joules', () => {
    let checked = 0;
    const bad: string[] = [];
    for (const [prev, cur, i] of pairs(samples())) {
      if (!((anomalyTotal(cur) ?? 0) > (anomalyTotal(prev) ?? 0))) continue;
      const seconds = spanSeconds(prev, cur, s.host);
      const joules = chargedJoules(prev, cur, s.host);
      const low = (cleanWatts(Math.min(prev.onlineCpus, cur.onlineCpus)) * seconds) / 2;
      const high = cleanWatts(Math.max(prev.onlineCpus, cur.onlineCpus)) * seconds * 2;
      bad.push(...outside(`cycle ${i} joules over ${seconds.toFixed(3)} s`, joules, low, high));
      checked++;
    }
    expect(bad).toEqual([]);
    expect(checked > 0).toBe(s.expectedKinds.length > 0);
  });

  if (s.name === 'reboot') {
    it('the reboot closes the old workspace and starts a new one at the new boot time', async () => {
      const ids = [...new Set(samples().map((x) => x.workspaces[0]!.id))];
      expect(ids).toHaveLength(2);
      const node = stack.nodes.get(s.name)!.node;
      expect(samples().at(-1)!.workspaces[0]!.startedAtSeconds).toBe(node.bootTimeSeconds);
      expect(samples()[0]!.workspaces[0]!.startedAtSeconds).toBeLessThan(node.bootTimeSeconds - 3000);
      expect(await apps.get(s.name)!.store.getWorkspace(ids[0]!)).toMatchObject({ status: 'closed' });
      const drops = pairs(samples()).filter(([p, c]) => rebootedAt(p, c, s.host));
      expect(drops).toHaveLength(1);
    });
  }
});
