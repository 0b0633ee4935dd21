/**
 * The real stack for query tests: a Prometheus holding a synthetic Ada fleet (TSDB blocks) that also scrapes a real
 * node_exporter and the real exporter, with the shipped rule files loaded; the exporter tracks that Prometheus.
 * Scrape jobs and the exporter config come from the shipped provisioning files, targets swapped for loopback ones.
 * As at Ada, the exporter reads no user label: owners come from an ownership file, and the exporter has an admin and
 * a proxy token, so REST calls are made as Grafana's Infinity datasource makes them (see `asUser`).
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { FastifyInstance } from 'fastify';
import { adaFleet, type FleetSpec } from '../../harness/fleet';
import { writeFleetOpenMetrics } from '../../harness/openmetrics';
import { createBlocks } from '../../harness/blocks';
import { startPrometheus, type RunningPrometheus } from '../../harness/prometheus';
import { startNodeExporter, type RunningNodeExporter } from '../../harness/nodeExporter';
import { startCarbonServer, type CarbonServer } from '../../harness/carbonServer';
import { freePort } from '../../harness/ports';
import { tempDir, testApp, testConfig } from '../../../exporter/test/support/app';
import { PROM_RULES_DIR, PROVISIONING_DIR, prometheusRules, readYaml, yamlFiles } from './artifacts';
import type { ExporterConfigFile, PromConfigFile, PromRuleFile } from './shapes';

/** One series of an instant vector: labels and [time, value]. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** One series of a range matrix. */
export interface PromSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

/** A Prometheus HTTP API answer. */
export interface PromResponse<R> {
  status: string;
  error?: string;
  data?: { resultType: string; result: R[] };
}

/** The exporter's tokens in the stack. */
export const ADMIN_TOKEN = 'live-stack-admin-token';
export const PROXY_TOKEN = 'live-stack-proxy-token';

/** The headers Grafana's Infinity datasource sends for a signed-in user (docs/deploy.md, provisioned datasource). */
export function asUser(login: string): Record<string, string> {
  return { authorization: `Bearer ${PROXY_TOKEN}`, 'x-grafana-user': login };
}

export interface LiveStackOptions {
  /** wait until every shipped recording rule has a sample (the PromQL tests need it; REST-only tests do not) */
  waitForRules?: boolean;
  /** estimate the complete hours of the fleet into the usage history before returning */
  backfill?: boolean;
}

export interface LiveStack {
  prom: RunningPrometheus;
  app: FastifyInstance;
  fleet: FleetSpec;
  /** the real node_exporter's workspace labels */
  realHost: { project: string; user: string };
  /** host -> owner, as written to the ownership file */
  owners: Map<string, string>;
  /** an instant query, at `timeSeconds` when given (else now) */
  query(expr: string, timeSeconds?: number): Promise<PromResponse<PromSample>>;
  queryRange(
    expr: string,
    startSeconds: number,
    endSeconds: number,
    stepSeconds: number
  ): Promise<PromResponse<PromSeries>>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startLiveStack(opts: LiveStackOptions = {}): Promise<LiveStack> {
  const { waitForRules = true, backfill = false } = opts;
  const dir = tempDir('ada-carbon-dashboards-');
  const now = Math.floor(Date.now() / 1000);
  // ends now: the exporter, tracking on the real clock, still sees these hosts within Prometheus's 5-minute lookback
  const fleet = adaFleet({
    hosts: 24,
    startSeconds: now - 2 * 3600,
    endSeconds: now,
    stepSeconds: 30,
    userLabel: true,
    events: false,
    seed: 11,
  });
  await writeFleetOpenMetrics(fleet, path.join(dir, 'fleet.om'));
  await createBlocks(path.join(dir, 'fleet.om'), path.join(dir, 'blocks'));

  const stopping: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const s of stopping.reverse()) await s().catch(() => undefined);
  };
  try {
    const node: RunningNodeExporter = await startNodeExporter();
    stopping.push(() => node.stop());
    const carbon: CarbonServer = await startCarbonServer({ now: () => Date.now() / 1000 });
    stopping.push(() => carbon.stop());
    const exporterPort = await freePort();

    const shipped = readYaml<PromConfigFile>(path.join(PROVISIONING_DIR, 'prometheus/prometheus.yml'));
    const scrapeConfigs = shipped.scrape_configs.map((job) => {
      const target =
        job.job_name === 'node'
          ? node.address
          : job.job_name === 'ada-carbon'
            ? `127.0.0.1:${exporterPort}`
            : undefined;
      if (!target) throw new Error(`unexpected scrape job ${job.job_name} in prometheus.yml`);
      return { ...job, static_configs: job.static_configs.map((s) => ({ ...s, targets: [target] })) };
    });
    const realLabels = shipped.scrape_configs.find((j) => j.job_name === 'node')!.static_configs[0]!.labels!;
    const prom = await startPrometheus({
      blocksDir: path.join(dir, 'blocks'),
      scrapeConfigs,
      scrapeIntervalSeconds: 1,
      evaluationIntervalSeconds: 1,
      ruleFiles: rulesAtGlobalInterval(path.join(dir, 'rules')),
    });
    stopping.push(() => prom.stop());

    const compose = readYaml<ExporterConfigFile>(path.join(PROVISIONING_DIR, 'exporter/ada-carbon.yaml'));
    // Ada's targets carry no user: the fleet's user labels (and the real host's) become ownership records instead
    const owners = new Map<string, string>();
    for (const h of fleet.hosts) owners.set(h.labels.host!, h.labels.user!);
    owners.set(realLabels.host!, realLabels.user!);
    const ownershipFile = path.join(dir, 'owners.json');
    fs.writeFileSync(
      ownershipFile,
      JSON.stringify(
        [...owners].map(([hostname, owner]) => ({ hostname, owner, created_time: '2020-01-01T00:00:00Z' }))
      )
    );
    const { user: _userLabel, ...labels } = compose.labels as Record<string, string>;
    const app = await testApp(
      testConfig(
        {
          ...compose,
          labels,
          ownership: { file: ownershipFile },
          // the compose file's store is /var/lib/ada-carbon: each stack keeps its own, so runs never share hours
          store: { sqlite: { path: path.join(dir, 'store.sqlite') } },
          prometheus: { ...compose.prometheus, url: prom.url, retries: 0, timeoutSeconds: 10 },
          carbonIntensity: { ...compose.carbonIntensity, url: carbon.url, cacheSeconds: 0 },
          server: {
            ...compose.server,
            host: '127.0.0.1',
            port: exporterPort,
            auth: { adminToken: ADMIN_TOKEN, proxyToken: PROXY_TOKEN },
          },
          tracking: { intervalSeconds: 5, closeAfterSeconds: 600 },
        },
        dir
      )
    );
    stopping.push(() => app.close());
    await app.listen({ host: '127.0.0.1', port: exporterPort });
    // The forecast plugin is not auto-started in tests: fetch it once from the replay server (48 h from now, national
    // and the postcode's region) so the forecast and greenest-window families exist before Prometheus scrapes them.
    const forecast = await app.green.forecast.refresh();
    for (const a of forecast.areas) {
      if (!a.up || a.slots.length < 96)
        throw new Error(`forecast for ${a.area} not ready: up=${a.up} slots=${a.slots.length} ${a.lastError ?? ''}`);
    }
    if (forecast.areas.length !== 2)
      throw new Error(`expected national and regional forecasts, got ${forecast.areas.map((a) => a.area).join(',')}`);

    const get = async <R>(p: string, params: Record<string, string>): Promise<PromResponse<R>> => {
      const res = await fetch(`${prom.url}${p}?${new URLSearchParams(params).toString()}`);
      return (await res.json()) as PromResponse<R>;
    };
    const stack: LiveStack = {
      prom,
      app,
      fleet,
      realHost: { project: realLabels.cloud_project_name!, user: realLabels.user! },
      owners,
      query: (expr, time) =>
        get<PromSample>('/api/v1/query', time === undefined ? { query: expr } : { query: expr, time: String(time) }),
      queryRange: (expr, start, end, step) =>
        get<PromSeries>('/api/v1/query_range', {
          query: expr,
          start: String(start),
          end: String(end),
          step: String(step),
        }),
      stop: stopAll,
    };

    // Cycles every second for long enough that rate() over 20s windows, the 1 s rule evaluations and the
    // histogram all have several points.
    const recordNames = prometheusRules()
      .filter((r) => r.kind === 'record')
      .map((r) => r.name);
    const deadline = Date.now() + 90000;
    let cycles = 0;
    for (;;) {
      const snap = await app.tracker.refresh();
      if (!snap.lastCycle?.ok) throw new Error(`tracking cycle failed: ${snap.lastCycle?.error}`);
      cycles++;
      if (!waitForRules && cycles >= 3) break;
      if (cycles >= 25) {
        const r = await stack.query(
          'count(count by (site) (site_state:ada_carbon_workspace_energy_joules:increase1h))'
        );
        if (r.data?.result[0]?.value[1] === '3' && (await unrecorded(stack, recordNames)).length === 0) break;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `recording rules did not produce all three sites in time; not yet recorded: ${(await unrecorded(stack, recordNames)).join(', ')}`
        );
      }
      await sleep(1000);
    }
    if (backfill) {
      const summary = await app.history.runner.run({
        fromSeconds: Math.floor(fleet.startSeconds / 3600) * 3600,
        toSeconds: Math.floor(Date.now() / 1000 / 3600) * 3600,
      });
      if (summary.hoursEstimated === 0) throw new Error(`backfill estimated no hour: ${JSON.stringify(summary)}`);
    }
    // keep the exporter's counters moving between scrapes for the rest of the suite
    const ticker = setInterval(() => {
      void app.tracker.refresh().catch(() => undefined);
    }, 1000);
    stopping.push(() => {
      clearInterval(ticker);
      return Promise.resolve();
    });
    return stack;
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * Copies of the shipped rule files with every group's own `interval` removed, so each group evaluates at the test
 * Prometheus' 1 s global interval. A group's first evaluation waits for a phase derived from its name and file path
 * (up to its whole interval, 4m for the node-cpu group), which would make "has it been recorded" depend on where the
 * clone lives. The expressions are untouched; the shipped intervals are checked in nodeCpuRules.test.ts and by promtool.
 */
function rulesAtGlobalInterval(outDir: string): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  return yamlFiles(PROM_RULES_DIR).map((file) => {
    const doc = readYaml<PromRuleFile>(file);
    for (const g of doc.groups ?? []) delete g.interval;
    const out = path.join(outDir, path.basename(file));
    fs.writeFileSync(out, YAML.stringify(doc));
    return out;
  });
}

/** Names of the shipped recording rules with no recorded sample yet. */
async function unrecorded(stack: LiveStack, names: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const name of names) {
    const res = await stack.query(name);
    if (!res.data?.result.length) missing.push(name);
  }
  return missing;
}
