/**
 * Counter scenarios, measured: node_exporter stand-ins scraped every second by a real Prometheus, each tracked by the
 * exporter's Tracker (one per scenario), the same scenarios as exporter/test/integration/counters.real.test.ts, once.
 * Prints per scenario the joules charged in the cycles right after each event against what the clean load gives for
 * the same time, the anomaly counts by kind and the highest per-cycle watts.
 *   npx tsx exporter/bench/counterScenarios.ts
 *   ADA_CARBON_EXPORTER_SRC=/path/to/other/checkout/exporter/src npx tsx exporter/bench/counterScenarios.ts
 * The tracker, config, clients and store are loaded from ADA_CARBON_EXPORTER_SRC (default this repository's
 * exporter/src) so that an older checkout can be measured the same way; what its API lacks prints as "-".
 */
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import YAML from 'yaml';
import {
  chargedJoules,
  cleanWatts,
  CYCLE_MS,
  CYCLES,
  readingOf,
  runScenario,
  SCENARIOS,
  scenarioConfig,
  startScenarioStack,
  type CycleReading,
  type Scenario,
} from '../test/support/counterScenarios';

const SRC = path.resolve(process.env.ADA_CARBON_EXPORTER_SRC ?? path.join(__dirname, '../src'));
const KINDS = ['counter_drop', 'cpu_set_change', 'over_limit', 'duplicate_series', 'duplicate_target'];

// loaded at run time from SRC, so that another checkout can be measured; typed as this checkout's modules, whose
// parts used here an older checkout must still have
const requireFromSrc = createRequire(__filename);
const load = <M>(rel: string): M => requireFromSrc(path.join(SRC, rel)) as M;

interface AnyTracker {
  refresh(): Promise<Parameters<typeof readingOf>[0]>;
  stop(): Promise<void>;
}

function makeTracker(
  s: Scenario,
  promUrl: string,
  carbonUrl: string,
  dir: string
): { tracker: AnyTracker; close(): Promise<void> } {
  const file = path.join(dir, `${s.name}.yaml`);
  fs.writeFileSync(
    file,
    YAML.stringify({
      ...scenarioConfig(s, promUrl, carbonUrl),
      store: { sqlite: { path: path.join(dir, `${s.name}.sqlite`) } },
      logLevel: 'silent',
    })
  );
  const { loadConfig } = load<typeof import('../src/config')>('config');
  const { PrometheusClient } = load<typeof import('../src/sources/prometheus')>('sources/prometheus');
  const { CarbonIntensityClient } = load<typeof import('../src/sources/carbon')>('sources/carbon');
  const { SqliteWorkspaceStore } = load<typeof import('../src/store/sqlite')>('store/sqlite');
  const { Tracker } = load<typeof import('../src/tracking/tracker')>('tracking/tracker');
  const { config } = loadConfig({ file, cwd: dir, env: {} });
  const prometheus = new PrometheusClient({
    url: promUrl,
    timeoutSeconds: config.prometheus.timeoutSeconds,
    retries: config.prometheus.retries,
    insecureSkipVerify: false,
    userAgent: 'ada-carbon-bench',
  });
  const carbon = new CarbonIntensityClient({
    baseUrl: config.carbonIntensity.url,
    timeoutSeconds: config.carbonIntensity.timeoutSeconds,
    cacheSeconds: config.carbonIntensity.cacheSeconds,
    fallbackGramsPerKwh: config.carbonIntensity.fallbackGramsPerKwh,
  });
  const store = SqliteWorkspaceStore.open(config.store.sqlite.path);
  const tracker: AnyTracker = new Tracker({ config, prometheus, carbon, store });
  return {
    tracker,
    close: async () => {
      await tracker.stop();
      await store.close();
    },
  };
}

/** The cycles right after each event (the scrape may land in either); every cycle but the first without events. */
function anomalyCycles(s: Scenario): number[] {
  if (s.events.length === 0) return Array.from({ length: CYCLES - 1 }, (_, i) => i + 1);
  return [...new Set(s.events.flatMap((e) => [e.afterCycle + 1, e.afterCycle + 2]))].filter((i) => i < CYCLES);
}

function row(s: Scenario, readings: CycleReading[]): string[] {
  let charged = 0;
  let clean = 0;
  for (const i of anomalyCycles(s)) {
    const prev = readings[i - 1]!;
    const cur = readings[i]!;
    charged += chargedJoules(prev, cur, s.host);
    clean += cleanWatts((prev.onlineCpus + cur.onlineCpus) / 2) * (cur.atSeconds - prev.atSeconds);
  }
  let maxWatts = 0;
  for (let i = 1; i < readings.length; i++) {
    const prev = readings[i - 1]!;
    const cur = readings[i]!;
    maxWatts = Math.max(maxWatts, chargedJoules(prev, cur, s.host) / (cur.atSeconds - prev.atSeconds));
  }
  const last = readings.at(-1)!;
  const kinds = last.anomalies
    ? KINDS.map((k) => `${k.replace(/_/g, ' ')} ${last.anomalies![k] ?? '-'}`).join(', ')
    : '-';
  const workspaces = Math.max(...readings.map((r) => r.workspaces.filter((w) => w.host === s.host).length));
  return [
    s.title,
    anomalyCycles(s).join(','),
    Math.round(charged).toLocaleString('en-GB'),
    Math.round(clean).toLocaleString('en-GB'),
    kinds,
    maxWatts.toFixed(1),
    String(workspaces),
  ];
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-bench-counters-'));
  const stack = await startScenarioStack();
  const trackers = SCENARIOS.map((s) => makeTracker(s, stack.prom.url, stack.carbon.url, dir));
  try {
    const runs = await Promise.all(
      SCENARIOS.map((s, i) => {
        const node = stack.nodes.get(s.name)!.node;
        return runScenario(s, node, async () => readingOf(await trackers[i]!.tracker.refresh(), node));
      })
    );
    const header = [
      'scenario',
      'anomaly cycles',
      'J charged there',
      'J clean load',
      'anomalies by kind',
      'max W per cycle',
      'max workspaces',
    ];
    const rows = SCENARIOS.map((s, i) => row(s, runs[i]!));
    console.log(
      `exporter source: ${SRC}; ${CYCLES} cycles ${CYCLE_MS / 1000} s apart, clean load ${cleanWatts(4).toFixed(1)} W at 4 vCPUs`
    );
    console.log(`| ${header.join(' | ')} |\n|${header.map(() => ' --- ').join('|')}|`);
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  } finally {
    await Promise.all(trackers.map((t) => t.close()));
    await stack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
