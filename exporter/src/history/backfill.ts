// The backfill runner: plans the hours still to estimate, asks Prometheus for many hours per request, attributes,
// stores each chunk as it completes (so a killed run resumes where it stopped) and retries failed hours next time.
import type { Config } from '../config';
import { joulesToKwh } from '../model/units';
import type { PrometheusClient } from '../sources/prometheus';
import type { Series } from '../sources/prometheus/parse';
import type { UsageStore } from '../store/usage/types';
import { attributeHour } from './attribution';
import type { CarbonSlotCache } from './carbonCache';
import { differenceBoundaries, usageFromRaw, type HalfHourUsage, type Irregular } from './estimate';
import type { Ownership } from './ownership';
import { coveredBoundaries, groupLabels, historyQueries, rawCpuQuery, recordedProbeQuery, useRecorded } from './queries';
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
  /** per half-hour boundary of the current run: whether the recorded series cover every target */
  private covered?: Map<number, boolean>;

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
    this.covered = chunks.length > 0 ? await this.probeRecorded(chunks[0]![0], chunks[chunks.length - 1]![1], opts.project) : undefined;
    const one = async ([a, b]: [number, number]): Promise<void> => {
      await this.deps.carbon.ensure(a, b);
      const results = await this.estimateRange(a, b, opts.project);
      await store.writeHours(results); // throws UsageStoreError: the run stops, chunks already written are kept
      if (useRecorded(this.covered, a, b, HALF_HOUR_SECONDS)) sum.hoursFromRecordingRules += (b - a) / HOUR_SECONDS;
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

  /** [a, b) on hour boundaries; a failed request is split in halves down to single hours, which are then failed. */
  async estimateRange(a: number, b: number, project?: string): Promise<HourResult[]> {
    const { config, prometheus } = this.deps;
    let series: Series[];
    try {
      // the state queries run side by side (bounded by parallelQueries across the whole run)
      const recorded = useRecorded(this.covered, a, b, HALF_HOUR_SECONDS);
      const answers = await Promise.all(historyQueries(config, project, recorded).map(({ tag, expr }) => this.limit(async () => {
        const got = await prometheus.rangeQuery(expr, a, b, HALF_HOUR_SECONDS);
        if (tag) for (const s of got) s.metric.mode = tag;
        return got;
      })));
      series = answers.flat();
    } catch (err) {
      const hours = (b - a) / HOUR_SECONDS;
      if (hours > 1) {
        const mid = a + Math.floor(hours / 2) * HOUR_SECONDS;
        return [...await this.estimateRange(a, mid, project), ...await this.estimateRange(mid, b, project)];
      }
      return [this.failed(a, project, err)];
    }
    const { usage, irregular } = differenceBoundaries(series, a, b);
    const failedHours = new Map<number, unknown>();
    await this.resolveIrregular(irregular, usage, failedHours, project);
    const intensity = this.deps.carbon.lookup(a, b);
    const out: HourResult[] = [];
    for (let h = a; h < b; h += HOUR_SECONDS) {
      if (failedHours.has(h)) {
        out.push(this.failed(h, project, failedHours.get(h)));
        continue;
      }
      const att = attributeHour(h, usage, { config, ownership: this.ownership, intensity });
      out.push({
        scope: scopeOf(project), hourStartSeconds: h, status: att.fallbackUsed ? 'fallback' : 'ok',
        sumCheckRatio: att.cpuCapacitySeconds > 0 ? att.allModesCpuSeconds / att.cpuCapacitySeconds : null,
        rows: att.rows,
      });
    }
    return out;
  }

  /**
   * One cheap range query per run (a count per boundary, split to stay under the points limit): where the node-cpu
   * recording rules' series cover every target. Any error means "not covered": the raw counters are always right.
   */
  private async probeRecorded(a: number, b: number, project?: string): Promise<Map<number, boolean> | undefined> {
    const { config, prometheus } = this.deps;
    const maxSpan = 10000 * HALF_HOUR_SECONDS;
    const out = new Map<number, boolean>();
    try {
      for (let s = a; s <= b; s += maxSpan + HALF_HOUR_SECONDS) {
        const got = await prometheus.rangeQuery(recordedProbeQuery(config, project), s, Math.min(b, s + maxSpan), HALF_HOUR_SECONDS);
        for (const [t, ok] of coveredBoundaries(got)) out.set(t, ok);
      }
    } catch {
      return undefined;
    }
    return out;
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
