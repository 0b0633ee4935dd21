// The backfill runner: plans the hours still to estimate, asks Prometheus for many hours per request, attributes,
// stores each chunk as it completes (so a killed run resumes where it stopped) and retries failed hours next time.
import type { Config } from '../config';
import { joulesToKwh } from '../model/units';
import type { PrometheusClient } from '../sources/prometheus';
import type { Series } from '../sources/prometheus/parse';
import type { UsageStore } from '../store/usage/types';
import { attributeRange } from './attribution';
import { BoundaryTable, countCpus, type HalfHourUsage, type Irregular } from './boundaries';
import type { CarbonSlotCache } from './carbonCache';
import { usageFromRaw } from './estimate';
import type { Ownership } from './ownership';
import { cpuCountQuery, cpuSeriesMatchers, groupLabels, historyQueries, rawCpuQuery } from './queries';
import { HALF_HOUR_SECONDS, HOUR_SECONDS, SUM_CHECK_TOLERANCE_RATIO, type HourResult, type HourStatusRecord } from './types';

export interface BackfillDeps {
  config: Config;
  prometheus: PrometheusClient;
  carbon: CarbonSlotCache;
  store: UsageStore;
  /** workspace-ownership records, loaded at the start of every run (none when a user label is configured) */
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

export interface BackfillSummary {
  scope: string;
  hoursInRange: number;
  /** already estimated earlier, not asked again */
  hoursSkipped: number;
  hoursEstimated: number;
  hoursFailed: number;
  hoursFallback: number;
  /** hours whose all-modes cpu-seconds were off cpus x 3,600 s by more than the tolerance */
  hoursSumCheckOff: number;
  busyKwh: number;
  idleKwh: number;
  busyGrams: number;
  idleGrams: number;
  prometheusRequests: number;
  /** hours read from the node-cpu recording rules' series instead of the raw counters */
  hoursFromRecordingRules: number;
  carbonRequests: number;
  durationSeconds: number;
  errors: string[];
}

const scopeOf = (project?: string): string => project ?? '*';

type CpuSeries = ReturnType<typeof countCpus>;
/** The run's one series call over all its chunks: which path to take, and the CPU counts when there is one chunk. */
interface RunSeries {
  fromSeconds: number;
  toSeconds: number;
  found: CpuSeries;
}

/** Every hour start in [from, to) that has ended (plus settle time) by now. */
export function completeHours(fromSeconds: number, toSeconds: number, nowSeconds: number, settleSeconds: number): number[] {
  const out: number[] = [];
  const first = Math.ceil(fromSeconds / HOUR_SECONDS) * HOUR_SECONDS;
  for (let h = first; h < toSeconds; h += HOUR_SECONDS) {
    if (h + HOUR_SECONDS + settleSeconds > nowSeconds) break;
    out.push(h);
  }
  return out;
}

/** Hours of a scope that need no work: estimated with real intensity, here or by a run over every project. */
export function doneHours(statuses: readonly HourStatusRecord[], scope: string): Set<number> {
  return new Set(statuses.filter((s) => s.status === 'ok' && (s.scope === scope || s.scope === '*')).map((s) => s.hourStartSeconds));
}

/** Consecutive hours cut into [start, end) chunks of at most maxHours. */
export function chunkHours(hours: readonly number[], maxHours: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start: number | undefined;
  let prev = 0;
  for (const h of hours) {
    if (start !== undefined && (h !== prev + HOUR_SECONDS || (h - start) / HOUR_SECONDS >= maxHours)) {
      out.push([start, prev + HOUR_SECONDS]);
      start = undefined;
    }
    start ??= h;
    prev = h;
  }
  if (start !== undefined) out.push([start, prev + HOUR_SECONDS]);
  return out;
}

/** Runs tasks with at most `n` at a time, in the order they were asked for. */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active < n) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve)); // the finishing task hands its slot over
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

export class BackfillRunner {
  private running?: Promise<BackfillSummary>;
  private ownership?: Ownership;
  private limit: <T>(task: () => Promise<T>) => Promise<T> = limiter(1);

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
    const sum: BackfillSummary = {
      scope, hoursInRange: all.length, hoursSkipped: 0, hoursEstimated: 0, hoursFailed: 0, hoursFallback: 0, hoursSumCheckOff: 0,
      busyKwh: 0, idleKwh: 0, busyGrams: 0, idleGrams: 0, prometheusRequests: 0, hoursFromRecordingRules: 0, carbonRequests: 0, durationSeconds: 0, errors: [],
    };
    this.ownership = await this.deps.loadOwnership?.();
    let todo = all;
    if (!opts.force && all.length > 0) {
      const done = doneHours(await store.hourStatuses([scope, '*'], all[0]!, all[all.length - 1]! + HOUR_SECONDS), scope);
      todo = all.filter((h) => !done.has(h));
    }
    sum.hoursSkipped = all.length - todo.length;
    let progressed = 0;
    opts.onProgress?.(0, todo.length);
    // Each chunk is already several queries that Prometheus works on side by side (limit), so short ranges are not cut
    // further: more chunks would only mean more requests reading the same samples.
    const parallel = config.history.parallelQueries;
    this.limit = limiter(parallel);
    const chunks = chunkHours(todo, config.history.hoursPerQuery);
    const runSeries = chunks.length > 0 ? await this.runSeries(chunks[0]![0], chunks[chunks.length - 1]![1], opts.project) : undefined;
    const one = async ([a, b]: [number, number]): Promise<void> => {
      await this.deps.carbon.ensure(a, b);
      const { results, recordedHours } = await this.estimateRange(a, b, opts.project, runSeries);
      await store.writeHours(results); // throws UsageStoreError: the run stops, chunks already written are kept
      sum.hoursFromRecordingRules += recordedHours;
      this.tally(sum, results);
      progressed += (b - a) / HOUR_SECONDS;
      opts.onProgress?.(progressed, todo.length);
    };
    let next = 0;
    let failure: unknown;
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < chunks.length) {
        const chunk = chunks[next++]!;
        try {
          await one(chunk);
        } catch (err) {
          failure ??= err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, chunks.length) }, worker));
    if (failure !== undefined) throw failure;
    sum.prometheusRequests = prometheus.stats.requests - promBefore;
    sum.carbonRequests = this.deps.carbon.requests - carbonBefore;
    if (sum.hoursEstimated > 0) await this.deps.afterRun?.(sum);
    sum.durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    return sum;
  }

  private tally(sum: BackfillSummary, results: readonly HourResult[]): void {
    for (const r of results) {
      if (r.status === 'failed') {
        sum.hoursFailed++;
        if (r.error && sum.errors.length < 10 && !sum.errors.includes(r.error)) sum.errors.push(r.error);
        continue;
      }
      sum.hoursEstimated++;
      if (r.status === 'fallback') sum.hoursFallback++;
      if (r.sumCheckRatio !== null && Math.abs(r.sumCheckRatio - 1) > SUM_CHECK_TOLERANCE_RATIO) sum.hoursSumCheckOff++;
      for (const row of r.rows) {
        if (row.level !== 'project') continue; // every level adds up to the same totals; one is enough
        sum.busyKwh += joulesToKwh(row.busyJoules);
        sum.idleKwh += joulesToKwh(row.idleJoules);
        sum.busyGrams += row.busyGrams;
        sum.idleGrams += row.idleGrams;
      }
    }
  }

  /**
   * [a, b) on hour boundaries; a failed request is split in halves down to single hours, which are then failed.
   * Requests: one series call (index only: CPU counts, and whether the recording rules' series exist), then the
   * range queries of the recorded or the raw path side by side, one CPU count query when some target rebooted, and
   * one raw-sample request per half-hour with irregular targets.
   */
  async estimateRange(a: number, b: number, project?: string, run?: RunSeries): Promise<{ results: HourResult[]; recordedHours: number }> {
    const { config, prometheus } = this.deps;
    let usage: HalfHourUsage[];
    let irregular: Irregular[];
    let recorded = false;
    try {
      const names = groupLabels(config.labels);
      const seriesCall = (): Promise<CpuSeries> => this.limit(async () => countCpus(await prometheus.series(cpuSeriesMatchers(config, project), a, b), names));
      // the run's series call when it is this chunk's, else one of the chunk's own: first when the run's failed
      // (it picks the path), else side by side with the queries (only the CPU counts are needed, at the end)
      const own = run?.fromSeconds === a && run.toSeconds === b ? Promise.resolve(run.found) : undefined;
      const first = run ? undefined : await seriesCall();
      const picked = run?.found ?? first!;
      // the recorded path when every target with CPU series has the recorded count; the answers then show whether
      // every boundary is covered (rules deployed mid-range, a rule outage, a new target), else the raw counters
      recorded = picked.recorded.size > 0 && [...picked.cpus.keys()].every((k) => picked.recorded.has(k));
      let table = recorded ? await this.queryTable(a, b, names, true, project) : undefined;
      if (table && !table.covered()) {
        recorded = false;
        table = undefined;
      }
      if (!table) {
        const tablePromise = this.queryTable(a, b, names, false, project);
        const cpusPromise = first ? Promise.resolve(first) : own ?? seriesCall();
        const [t, found] = await Promise.all([tablePromise, cpusPromise]);
        table = t;
        table.useChunkCpus(found.cpus);
        const rebooted = table.rebooted();
        if (rebooted.length > 0) {
          const instances = [...new Set(rebooted.map((l) => l.instance ?? ''))];
          table.add('cpus', await this.limit(() => prometheus.rangeQuery(cpuCountQuery(config, instances, project), a, b, HALF_HOUR_SECONDS)));
        }
      }
      ({ usage, irregular } = table.difference());
    } catch (err) {
      const hours = (b - a) / HOUR_SECONDS;
      if (hours > 1) {
        const mid = a + Math.floor(hours / 2) * HOUR_SECONDS;
        const [x, y] = [await this.estimateRange(a, mid, project, run), await this.estimateRange(mid, b, project, run)];
        return { results: [...x.results, ...y.results], recordedHours: x.recordedHours + y.recordedHours };
      }
      return { results: [this.failed(a, project, err)], recordedHours: 0 };
    }
    const failedHours = new Map<number, unknown>();
    await this.resolveIrregular(irregular, usage, failedHours, project);
    const attributed = attributeRange(a, b, usage, { config, ownership: this.ownership, intensity: this.deps.carbon.lookup(a, b) });
    const results: HourResult[] = [];
    for (const [h, att] of attributed) {
      if (failedHours.has(h)) {
        results.push(this.failed(h, project, failedHours.get(h)));
        continue;
      }
      results.push({
        scope: scopeOf(project), hourStartSeconds: h, status: att.fallbackUsed ? 'fallback' : 'ok',
        sumCheckRatio: att.cpuCapacitySeconds > 0 ? att.allModesCpuSeconds / att.cpuCapacitySeconds : null,
        rows: att.rows,
      });
    }
    return { results, recordedHours: recorded ? (b - a) / HOUR_SECONDS : 0 };
  }

  /** The series call over the whole run; on error undefined, and each chunk makes its own (and fails with it). */
  private async runSeries(a: number, b: number, project?: string): Promise<RunSeries | undefined> {
    const { config, prometheus } = this.deps;
    try {
      const found = countCpus(await this.limit(() => prometheus.series(cpuSeriesMatchers(config, project), a, b)), groupLabels(config.labels));
      return { fromSeconds: a, toSeconds: b, found };
    } catch {
      return undefined;
    }
  }

  /** The chunk's range queries side by side (bounded by parallelQueries across the whole run), each answer added as it arrives. */
  private async queryTable(a: number, b: number, names: string[], recorded: boolean, project?: string): Promise<BoundaryTable> {
    const { config, prometheus } = this.deps;
    const table = new BoundaryTable(a, b, names);
    await Promise.all(historyQueries(config, project, recorded).map(({ kind, expr }) => this.limit(async () => {
      table.add(kind, await prometheus.rangeQuery(expr, a, b, HALF_HOUR_SECONDS));
    })));
    return table;
  }

  /** One raw-sample request per half-hour that has irregular targets (reboots, gaps, hosts coming and going). */
  private async resolveIrregular(irregular: Irregular[], usage: HalfHourUsage[], failed: Map<number, unknown>, project?: string): Promise<void> {
    const { config, prometheus } = this.deps;
    const names = groupLabels(config.labels);
    const byTime = new Map<number, Irregular[]>();
    for (const it of irregular) byTime.set(it.fromSeconds, [...(byTime.get(it.fromSeconds) ?? []), it]);
    for (const [t0, items] of byTime) {
      const instances = [...new Set(items.map((i) => i.labels.instance ?? ''))];
      try {
        const raw = await prometheus.instantMatrixQuery(rawCpuQuery(config, instances, HALF_HOUR_SECONDS + 300, project), t0 + HALF_HOUR_SECONDS);
        for (const it of items) {
          const u = usageFromRaw(raw, it, names);
          if (u) usage.push(u);
        }
      } catch (err) {
        failed.set(t0 - (t0 % HOUR_SECONDS), err);
      }
    }
  }

  private failed(h: number, project: string | undefined, err: unknown): HourResult {
    const message = err instanceof Error ? err.message : String(err);
    return { scope: scopeOf(project), hourStartSeconds: h, status: 'failed', error: message.slice(0, 300), sumCheckRatio: null, rows: [] };
  }
}
