// The backfill runner: plans the hours still to estimate, asks Prometheus for many hours per request, attributes,
// stores each chunk as it completes (so a killed run resumes where it stopped) and retries failed hours next time.
import pLimit, { type LimitFunction } from 'p-limit';
import type { Config } from '../config';
import type { PrometheusClient } from '../sources/prometheus';
import type { UsageStore } from '../store/usage/types';
import { attributeRange } from './attribution';
import type { HalfHourUsage, Irregular } from './boundaries';
import type { CarbonSlotCache, IntensityLookup } from './carbonCache';
import type { Ownership } from '../ownership';
import { chunkHours, chunkPlan, completeHours, doneHours } from './plan';
import { hostSets, type HostSet } from './hostSets';
import { boundHeapGrowth } from './heapGrowth';
import { cpuSeries, readSet, type RunSeries } from './readSet';
import type { RemoteReadState } from './remoteRead';
import { fillFromStore } from './fillFromAverages';
import { noAnomalies, resolveIrregular, type RawAnomalyCounts, type RecountDeps } from './rawRecount';
import { emptySummary, tallyHours, type BackfillSummary } from './summary';
import { HOUR_SECONDS, type HourResult } from './types';

export interface BackfillDeps {
  config: Config;
  prometheus: PrometheusClient;
  carbon: CarbonSlotCache;
  store: UsageStore;
  /** workspace-ownership records, loaded at the start of every run (a user label set on a target wins) */
  loadOwnership?: () => Promise<Ownership | undefined>;
  /** after each run that estimated something (machine averages refresh) */
  afterRun?: (summary: BackfillSummary) => Promise<void>;
  /** unix seconds */
  now?: () => number;
}

export interface BackfillOptions {
  fromSeconds: number;
  toSeconds: number;
  /** one cloud_project_name; all projects when unset */
  project?: string;
  /** re-estimate hours already estimated */
  force?: boolean;
  onProgress?: (hoursDone: number, hoursTotal: number) => void;
}

const scopeOf = (project?: string): string => project ?? '*';

export class BackfillRunner {
  private running?: Promise<BackfillSummary>;
  private ownership?: Ownership;
  private limit: LimitFunction = pLimit(1);
  /** the run's host sets, each chunk reads one after another (one set of every target for most runs) */
  private sets: HostSet[] = [undefined];
  private remote?: RemoteReadState;
  /** whether the server's lookback leaves out its left edge (Prometheus 3 on), asked once */
  private lookbackOpen?: Promise<boolean>;

  constructor(private readonly deps: BackfillDeps) {}

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** One run at a time per runner: a second caller waits for the first and gets its summary. */
  run(opts: BackfillOptions): Promise<BackfillSummary> {
    if (this.running) return this.running;
    this.running = this.doRun(opts).finally(() => (this.running = undefined));
    return this.running;
  }

  private async doRun(opts: BackfillOptions): Promise<BackfillSummary> {
    boundHeapGrowth();
    const { config, prometheus, store } = this.deps;
    const now = this.deps.now ?? ((): number => Date.now() / 1000);
    const started = process.hrtime.bigint();
    const scope = scopeOf(opts.project);
    const promBefore = prometheus.stats.requests;
    const carbonBefore = this.deps.carbon.requests;
    const all = completeHours(opts.fromSeconds, opts.toSeconds, now(), config.history.settleSeconds);
    const sum = emptySummary(scope, all.length);
    this.ownership = await this.deps.loadOwnership?.();
    let todo = all;
    if (!opts.force && all.length > 0) {
      const done = doneHours(
        await store.hourStatuses([scope, '*'], all[0]!, all[all.length - 1]! + HOUR_SECONDS),
        scope
      );
      todo = all.filter((h) => !done.has(h));
    }
    sum.hoursSkipped = all.length - todo.length;
    let progressed = 0;
    opts.onProgress?.(0, todo.length);
    // Each chunk is already several queries that Prometheus works on side by side (limit), so short ranges are not cut
    // further: more chunks would only mean more requests reading the same samples. Long ranges are cut by the memory
    // budget: the run's series call says how many targets there are.
    const parallel = config.history.parallelQueries;
    this.limit = pLimit(parallel);
    const runSeries =
      todo.length > 0 ? this.runSeries(todo[0]!, todo[todo.length - 1]! + HOUR_SECONDS, opts.project) : undefined;
    this.remote =
      todo.length > 0 && config.history.remoteRead === 'on'
        ? { enabled: true, lookbackOpen: await this.serverLookbackOpen(), samples: 0 }
        : undefined;
    const found = runSeries && (await runSeries)?.found;
    const { hoursPerQuery, targetHoursInFlight } = config.history;
    const plan = chunkPlan(found?.labels.size, targetHoursInFlight, parallel, hoursPerQuery);
    this.sets = found ? hostSets(found.labels, config.labels.host, plan.targetsPerSet) : [undefined];
    const chunks = chunkHours(todo, plan.hours);
    sum.hoursPerChunk = chunks.length > 0 ? Math.max(...chunks.map(([a, b]) => (b - a) / HOUR_SECONDS)) : 0;
    sum.hostSetsPerChunk = this.sets.length;
    const one = async ([a, b]: [number, number]): Promise<void> => {
      const { results: got, recordedHours, anomalies } = await this.estimateRange(a, b, opts.project, runSeries);
      const results = await fillFromStore(store, got, config.history.fillFromAverages);
      sum.counterDrops += anomalies.counterDrops;
      sum.halfHoursClamped += anomalies.halfHoursClamped;
      await store.writeHours(results); // throws UsageStoreError: the run stops, chunks already written are kept
      sum.hoursFromRecordingRules += recordedHours;
      tallyHours(sum, results);
      progressed += (b - a) / HOUR_SECONDS;
      opts.onProgress?.(progressed, todo.length);
    };
    let next = 0;
    let failure: { err: unknown } | undefined;
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < chunks.length) {
        const chunk = chunks[next++]!;
        try {
          await one(chunk);
        } catch (err) {
          failure ??= { err };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, chunks.length) }, worker));
    if (failure) throw failure.err;
    sum.samplesFromRemoteRead = this.remote?.samples ?? 0;
    sum.remoteReadOff = this.remote?.offBecause ?? null;
    sum.prometheusRequests = prometheus.stats.requests - promBefore;
    sum.carbonRequests = this.deps.carbon.requests - carbonBefore;
    if (sum.hoursEstimated > 0) await this.deps.afterRun?.(sum);
    sum.durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    return sum;
  }

  /**
   * [a, b) on hour boundaries, read one host set after another (readSet.ts) and attributed together; a failed request
   * is split in halves down to single hours, which are then failed. The half-hour intensities are fetched once per
   * chunk (not again for its halves), while Prometheus works: they are needed only for attribution.
   */
  async estimateRange(
    a: number,
    b: number,
    project?: string,
    run?: Promise<RunSeries | undefined>,
    carbonReady: Promise<IntensityLookup> = this.deps.carbon.ensure(a, b) // never rejects
  ): Promise<{ results: HourResult[]; recordedHours: number; anomalies: RawAnomalyCounts }> {
    const { config } = this.deps;
    const usage: HalfHourUsage[] = [];
    const irregular: Irregular[] = [];
    let recorded = true;
    try {
      const runFound = await run;
      for (const set of this.sets) {
        const got = await readSet({ ...this.recountDeps(), remote: this.remote }, a, b, project, runFound, set);
        for (const u of got.usage) usage.push(u);
        for (const i of got.irregular) irregular.push(i);
        recorded &&= got.recorded;
      }
    } catch (err) {
      const hours = (b - a) / HOUR_SECONDS;
      if (hours > 1) {
        const mid = a + Math.floor(hours / 2) * HOUR_SECONDS;
        const x = await this.estimateRange(a, mid, project, run, carbonReady);
        const y = await this.estimateRange(mid, b, project, run, carbonReady);
        return {
          results: [...x.results, ...y.results],
          recordedHours: x.recordedHours + y.recordedHours,
          anomalies: {
            counterDrops: x.anomalies.counterDrops + y.anomalies.counterDrops,
            halfHoursClamped: x.anomalies.halfHoursClamped + y.anomalies.halfHoursClamped,
          },
        };
      }
      return { results: [this.failed(a, project, err)], recordedHours: 0, anomalies: noAnomalies() };
    }
    const intensity = await carbonReady;
    const failedHours = new Map<number, unknown>();
    const anomalies = noAnomalies();
    await resolveIrregular(this.recountDeps(), irregular, usage, failedHours, anomalies, project);
    const attributed = attributeRange(a, b, usage, {
      config,
      ownership: this.ownership,
      intensity,
    });
    const results: HourResult[] = [];
    for (const [h, att] of attributed) {
      if (failedHours.has(h)) {
        results.push(this.failed(h, project, failedHours.get(h)));
        continue;
      }
      results.push({
        scope: scopeOf(project),
        hourStartSeconds: h,
        status: att.fallbackUsed ? 'fallback' : 'ok',
        sumCheckRatio: att.cpuCapacitySeconds > 0 ? att.allModesCpuSeconds / att.cpuCapacitySeconds : null,
        rows: att.rows,
      });
    }
    return { results, recordedHours: recorded ? (b - a) / HOUR_SECONDS : 0, anomalies };
  }

  /** The series call over the whole run; on error undefined, and each chunk makes its own (and fails with it). */
  private async runSeries(a: number, b: number, project?: string): Promise<RunSeries | undefined> {
    try {
      return { fromSeconds: a, toSeconds: b, found: await cpuSeries(this.recountDeps(), a, b, project) };
    } catch {
      return undefined;
    }
  }

  private recountDeps(): RecountDeps {
    return { config: this.deps.config, prometheus: this.deps.prometheus, limit: this.limit };
  }

  /** Prometheus 3 changed the lookback window to leave out its left edge; an unknown server is taken as 2.x. */
  private serverLookbackOpen(): Promise<boolean> {
    this.lookbackOpen ??= this.deps.prometheus.buildInfo().then(
      ({ version }) => Number(/^v?(\d+)\./.exec(version)?.[1] ?? 0) >= 3,
      () => false
    );
    return this.lookbackOpen;
  }

  private failed(h: number, project: string | undefined, err: unknown): HourResult {
    const message = err instanceof Error ? err.message : String(err);
    return {
      scope: scopeOf(project),
      hourStartSeconds: h,
      status: 'failed',
      error: message.slice(0, 300),
      sumCheckRatio: null,
      rows: [],
    };
  }
}
