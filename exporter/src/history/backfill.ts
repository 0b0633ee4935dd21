// The backfill runner: plans the hours still to estimate, asks Prometheus for many hours per request, attributes,
// stores each chunk as it completes (so a killed run resumes where it stopped) and retries failed hours next time.
import pLimit, { type LimitFunction } from 'p-limit';
import type { Config } from '../config';
import type { PrometheusClient } from '../sources/prometheus';
import type { Series } from '../sources/prometheus/parse';
import type { UsageStore } from '../store/usage/types';
import { attributeRange } from './attribution';
import { BoundaryTable, countCpus, type HalfHourUsage, type Irregular } from './boundaries';
import type { CarbonSlotCache } from './carbonCache';
import type { Ownership } from '../ownership';
import { cpuCountQuery, cpuSeriesMatchers, groupLabels, stateQueries, targetsQuery } from './queries';
import { chunkHours, completeHours, doneHours, hoursPerChunk } from './plan';
import { fillFromStore } from './fillFromAverages';
import {
  betweenBoundaries,
  noAnomalies,
  resolveIrregular,
  type RawAnomalyCounts,
  type RecountDeps,
} from './rawRecount';
import { emptySummary, tallyHours, type BackfillSummary } from './summary';
import { HALF_HOUR_SECONDS, HOUR_SECONDS, type HourResult } from './types';

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

type CpuSeries = ReturnType<typeof countCpus>;
/** The run's one series call over all its chunks: which path to take, and the targets when there is one chunk. */
interface RunSeries {
  fromSeconds: number;
  toSeconds: number;
  found: CpuSeries;
}

export class BackfillRunner {
  private running?: Promise<BackfillSummary>;
  private ownership?: Ownership;
  private limit: LimitFunction = pLimit(1);

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
    const targets = runSeries && (await runSeries)?.found.labels.size;
    const { hoursPerQuery, targetHoursInFlight } = config.history;
    const chunks = chunkHours(todo, hoursPerChunk(targets, targetHoursInFlight, parallel, hoursPerQuery));
    sum.hoursPerChunk = chunks.length > 0 ? Math.max(...chunks.map(([a, b]) => (b - a) / HOUR_SECONDS)) : 0;
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
    sum.prometheusRequests = prometheus.stats.requests - promBefore;
    sum.carbonRequests = this.deps.carbon.requests - carbonBefore;
    if (sum.hoursEstimated > 0) await this.deps.afterRun?.(sum);
    sum.durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    return sum;
  }

  /**
   * [a, b) on hour boundaries; a failed request is split in halves down to single hours, which are then failed.
   * Requests: the targets query (boot time, memory) beside a series call (index only: the targets, and whether the
   * recording rules' series exist; the run's, when the run is this one chunk), then the state queries of the
   * recorded path, or those of the raw path and its CPU count query, side by side, one raw-sample request per target
   * that lived only between two boundaries and one per half-hour with irregular targets.
   */
  async estimateRange(
    a: number,
    b: number,
    project?: string,
    run?: Promise<RunSeries | undefined>
  ): Promise<{ results: HourResult[]; recordedHours: number; anomalies: RawAnomalyCounts }> {
    const { config, prometheus } = this.deps;
    // the half-hour intensities are needed only for attribution: fetched while Prometheus works
    const carbonReady = this.deps.carbon.ensure(a, b); // never rejects
    let usage: HalfHourUsage[];
    let irregular: Irregular[];
    let recorded = false;
    try {
      const names = groupLabels(config.labels);
      const range = (expr: string): Promise<Series[]> =>
        this.limit(() => prometheus.rangeQuery(expr, a, b, HALF_HOUR_SECONDS));
      const seriesCall = (): Promise<CpuSeries> => this.cpuSeries(a, b, project);
      // both paths read the targets query: started first, beside the series call that picks the path
      const targets = range(targetsQuery(config, project).expr);
      targets.catch(() => undefined);
      const runFound = await run;
      // the run's series call when it is this chunk's, else one of the chunk's own: first when the run's failed
      // (it picks the path), else side by side with the queries (only the CPU counts are needed, at the end)
      let found: Promise<CpuSeries>;
      let picked: CpuSeries;
      if (runFound) {
        picked = runFound.found;
        found = runFound.fromSeconds === a && runFound.toSeconds === b ? Promise.resolve(runFound.found) : seriesCall();
        found.catch(() => undefined);
      } else {
        picked = await seriesCall();
        found = Promise.resolve(picked);
      }
      const fill = async (fromRules: boolean): Promise<BoundaryTable> => {
        const table = new BoundaryTable(a, b, names);
        // the raw path's CPU counts per boundary (the rules record their own)
        const queries = stateQueries(config, project, fromRules);
        if (!fromRules) queries.push({ kind: 'cpus', expr: cpuCountQuery(config, project) });
        await Promise.all([
          targets.then((answer) => table.add('targets', answer)),
          ...queries.map(async ({ kind, expr }) => table.add(kind, await range(expr))),
        ]);
        return table;
      };
      // the recorded path when the rules' series exist; the answers then show whether every boundary where a
      // target exists is covered (rules deployed mid-range, a rule outage, a new target), else the raw counters
      recorded = picked.recorded;
      let table = recorded ? await fill(true) : undefined;
      if (table && !table.covered()) {
        recorded = false;
        table = undefined;
      }
      const chunk = await found;
      table ??= await fill(false);
      ({ usage, irregular } = table.difference());
      // targets with CPU series in the chunk but at no boundary lived only between two: counted from raw samples
      for (const [key, labels] of chunk.labels) {
        if (!table.hasCounters(key))
          usage.push(...(await betweenBoundaries(this.recountDeps(), table, key, labels, project)));
      }
    } catch (err) {
      const hours = (b - a) / HOUR_SECONDS;
      if (hours > 1) {
        const mid = a + Math.floor(hours / 2) * HOUR_SECONDS;
        const [x, y] = [await this.estimateRange(a, mid, project, run), await this.estimateRange(mid, b, project, run)];
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

  /** The chunk's (or run's) series call: the targets, and whether the recording rules' series exist. */
  private cpuSeries(a: number, b: number, project?: string): Promise<CpuSeries> {
    const { config, prometheus } = this.deps;
    return this.limit(async () =>
      countCpus(await prometheus.series(cpuSeriesMatchers(config, project), a, b), groupLabels(config.labels))
    );
  }

  /** The series call over the whole run; on error undefined, and each chunk makes its own (and fails with it). */
  private async runSeries(a: number, b: number, project?: string): Promise<RunSeries | undefined> {
    try {
      return { fromSeconds: a, toSeconds: b, found: await this.cpuSeries(a, b, project) };
    } catch {
      return undefined;
    }
  }

  private recountDeps(): RecountDeps {
    return { config: this.deps.config, prometheus: this.deps.prometheus, limit: this.limit };
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
