import type { Config } from '../config';
import { resolveMachineProfile } from '../config';
import type { PrometheusClient, Sample } from '../sources/prometheus';
import type { Area, CarbonIntensityClient, IntensityReading } from '../sources/carbon';
import type { WorkspaceStore } from '../store/types';
import type { PowerProfile } from '../model/power';
import { integrateSteps, workspaceId } from './integrate';
import { observationSteps, siteLookup } from './observe';
import { readDetail } from './detail';
import { runSliced, slicer } from './slices';
import { ownedTargets, type OwnershipFeed } from '../ownership';
import { trackingQueries, type TrackingQueryName } from './queries';
import { emptySnapshot, type CycleStats, type SourceName, type SourceStatus, type TrackingSnapshot } from './snapshot';
import { WriteBehind } from './retry';
import { RetiredTotals } from './retired';
import { ANOMALY_KINDS, type Anomaly, type AnomalyKind, type WorkspaceState } from './types';

/** Bounds the memory of which (target, kind) pairs were logged already. */
const MAX_LOGGED_ANOMALIES = 100_000;

export interface TrackerDeps {
  config: Config;
  prometheus: Pick<PrometheusClient, 'instantQuery'>;
  carbon: Pick<CarbonIntensityClient, 'current'>;
  store: WorkspaceStore;
  /** unix seconds; injectable so tests can run cycles at past instants */
  clock?: () => number;
  ownership?: () => OwnershipFeed;
  /** called as each cycle ends, e.g. to observe the cycle-duration histogram */
  onCycle?: (c: CycleStats) => void;
  /** called when a snapshot is published again after its cycle ended (the store's status changed) */
  onRepublish?: () => void;
  logger?: { info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void };
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Runs tracking cycles into an immutable snapshot. Concurrent refresh() calls share one in-flight cycle.
 * A failing source never throws out of refresh(): it is marked down in the snapshot and the next cycle catches up.
 */
export class Tracker {
  private snap: TrackingSnapshot = emptySnapshot();
  private open = new Map<string, WorkspaceState>();
  private loaded = false;
  /** states not yet persisted because the store failed; written with the next successful save */
  private readonly unsaved: WriteBehind<WorkspaceState>;
  private inFlight?: Promise<TrackingSnapshot>;
  private timer?: NodeJS.Timeout;
  private readonly queries: Record<TrackingQueryName, string>;
  private readonly site: (project: string) => string;
  private readonly profiles = new Map<string, PowerProfile>();
  private readonly clock: () => number;
  private readonly area: Area;
  private readonly anomalyCounts = Object.fromEntries(ANOMALY_KINDS.map((k) => [k, 0])) as Record<AnomalyKind, number>;
  private readonly logged = new Set<string>();
  private readonly retired = new RetiredTotals();
  /** the store's status after the last write, when it changed nothing a snapshot shows (taken in the next cycle) */
  private storeStatus?: SourceStatus;

  constructor(private readonly deps: TrackerDeps) {
    this.unsaved = new WriteBehind((states) => deps.store.saveWorkspaces(states));
    this.queries = trackingQueries(deps.config.prometheus.selector);
    this.site = siteLookup(deps.config.sites);
    this.clock = deps.clock ?? (() => Date.now() / 1000);
    this.area = deps.config.carbonIntensity.postcode ? 'regional' : 'national';
  }

  get snapshot(): TrackingSnapshot {
    return this.snap;
  }

  /** One cycle at `atSeconds` (default: the clock). Shares a cycle already running. */
  refresh(atSeconds?: number): Promise<TrackingSnapshot> {
    if (!this.inFlight) {
      this.inFlight = this.cycle(atSeconds ?? this.clock()).finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  start(): void {
    if (this.timer) return;
    const run = () =>
      void this.refresh().catch((err: unknown) => this.deps.logger?.error({ err }, 'tracking cycle crashed'));
    run();
    this.timer = setInterval(run, this.deps.config.tracking.intervalSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight?.catch(() => undefined);
  }

  private profileFor = (machine: string): PowerProfile => {
    let p = this.profiles.get(machine);
    if (!p) {
      p = resolveMachineProfile(this.deps.config, machine);
      this.profiles.set(machine, p);
    }
    return p;
  };

  private async cycle(at: number): Promise<TrackingSnapshot> {
    const started = performance.now();
    const sources: Record<SourceName, SourceStatus> = {
      ...this.snap.sources,
      ...(this.storeStatus && { store: this.storeStatus }),
    };
    this.storeStatus = undefined;
    let queries = 0;
    const finish = (ok: boolean, error?: string, extra: Partial<TrackingSnapshot> = {}): TrackingSnapshot => {
      this.snap = {
        ...this.snap,
        ...extra,
        version: this.snap.version + 1,
        sources,
        ...(this.deps.ownership && { ownership: this.deps.ownership().status }),
        lastCycle: {
          atSeconds: at,
          ok,
          durationSeconds: (performance.now() - started) / 1000,
          queries,
          error,
        },
      };
      if (this.snap.lastCycle) this.deps.onCycle?.(this.snap.lastCycle);
      return this.snap;
    };

    if (!this.loaded) {
      const t0 = performance.now();
      try {
        for (const s of await this.deps.store.loadOpenWorkspaces()) this.open.set(s.id, s);
        this.loaded = true;
        sources.store = {
          ...sources.store,
          up: true,
          lastSuccessSeconds: at,
          lastDurationSeconds: secondsSince(t0),
          lastError: undefined,
        };
      } catch (err) {
        // tracking from an empty state would start every workspace again from its boot: wait for the store instead
        sources.store = {
          ...sources.store,
          up: false,
          lastDurationSeconds: secondsSince(t0),
          lastError: errorText(err),
        };
        this.deps.logger?.warn({ err: errorText(err) }, 'store unavailable; tracking waits for it');
        return finish(false, `store: ${errorText(err)}`);
      }
    }

    // intensity first and independently: a carbon API outage must not stop energy tracking
    const intensity = await this.readIntensity(at, sources);

    const t0 = performance.now();
    let results: Record<TrackingQueryName, Sample[]>;
    try {
      const names = Object.keys(this.queries) as TrackingQueryName[];
      const answers = await Promise.all(
        names.map((n) => {
          queries++;
          return this.deps.prometheus.instantQuery(this.queries[n], at);
        })
      );
      results = Object.fromEntries(names.map((n, i) => [n, answers[i] ?? []])) as Record<TrackingQueryName, Sample[]>;
      sources.prometheus = { up: true, lastSuccessSeconds: at, lastDurationSeconds: secondsSince(t0) };
    } catch (err) {
      sources.prometheus = {
        ...sources.prometheus,
        up: false,
        lastDurationSeconds: secondsSince(t0),
        lastError: errorText(err),
      };
      this.deps.logger?.warn({ err: errorText(err) }, 'prometheus query failed; energy will be caught up next cycle');
      return finish(false, `prometheus: ${errorText(err)}`, { intensity });
    }

    // every step over all targets runs in slices, so that scrapes and health checks are answered meanwhile
    const observed = await runSliced(observationSteps(results, this.deps.config.labels, this.site));
    const observations = ownedTargets(observed.observations, at, this.deps.ownership?.().records);
    const previous = new Map(this.open);
    const pause = slicer();
    // a workspace closed earlier that shows up again (same boot) is reopened, never started again from zero
    for (const o of observations) {
      const turn = pause();
      if (turn) await turn;
      if (o.bootTimeSeconds === undefined) continue;
      const id = workspaceId(o, o.bootTimeSeconds);
      if (previous.has(id)) continue;
      const stored = this.unsaved.get(id) ?? (await this.deps.store.getWorkspace(id).catch(() => undefined));
      if (stored) previous.set(id, stored);
      if (stored?.status === 'closed') this.retired.reopen(id);
    }
    const detail = await readDetail(
      { ...this.deps, selector: this.deps.config.prometheus.selector },
      previous,
      observations,
      at,
      () => queries++
    );

    const reading = intensity[this.area];
    const { changed, open, anomalies } = await runSliced(
      integrateSteps(previous, observations, {
        nowSeconds: at,
        pue: this.deps.config.pue,
        profileFor: this.profileFor,
        gramsPerKwh: reading?.gramsPerKwh ?? this.deps.config.carbonIntensity.fallbackGramsPerKwh,
        intensityIsFallback: reading?.fallback ?? true,
        closeAfterSeconds: this.deps.config.tracking.closeAfterSeconds,
        detail,
      })
    );
    this.countAnomalies([...observed.anomalies, ...anomalies]);
    this.open = open;
    for (const s of changed) {
      this.unsaved.set(s);
      if (s.status === 'closed') this.retired.add(s);
    }
    // active workspaces change every cycle: persist them all, closed ones once
    for (const s of open.values()) this.unsaved.set(s);
    // Published before the states are written (scrapes and the API see the cycle at once; the cycle's duration is
    // the snapshot's), written before refresh() resolves. A write that changes the store's up state or error publishes
    // the snapshot again with it; a plain success shows from the next cycle on.
    finish(true, undefined, {
      generatedAtSeconds: at,
      workspaces: [...open.values()],
      retired: this.retired.totals(),
      intensity,
      anomalies: { ...this.anomalyCounts },
    });
    const after = { ...sources };
    await this.persist(at, after);
    if (after.store.up !== sources.store.up || after.store.lastError !== sources.store.lastError) {
      this.snap = { ...this.snap, version: this.snap.version + 1, sources: after };
      this.deps.onRepublish?.();
    } else if (after.store !== sources.store) this.storeStatus = after.store;
    return this.snap;
  }

  private countAnomalies(anomalies: readonly Anomaly[]): void {
    for (const a of anomalies) {
      this.anomalyCounts[a.kind]++;
      const k = `${a.kind}|${a.job}|${a.instance}`;
      if (this.logged.has(k)) continue;
      if (this.logged.size >= MAX_LOGGED_ANOMALIES) this.logged.clear();
      this.logged.add(k);
      this.deps.logger?.warn(
        { anomaly: a.kind, host: a.host, job: a.job, instance: a.instance, detail: a.detail },
        'counter anomaly worked around'
      );
    }
  }

  /** Writes the unsaved states, or, after failures, waits its backoff turn; they stay buffered meanwhile. */
  private async persist(at: number, sources: Record<SourceName, SourceStatus>): Promise<void> {
    const t0 = performance.now();
    const err = await this.unsaved.flush();
    if (err === undefined) return;
    if (err === null) {
      sources.store = { up: true, lastSuccessSeconds: at, lastDurationSeconds: secondsSince(t0) };
      return;
    }
    sources.store = { ...sources.store, up: false, lastDurationSeconds: secondsSince(t0), lastError: err.message };
    const skippedCycles = this.unsaved.backoff.cyclesUntilRetry;
    this.deps.logger?.warn({ err: err.message, pending: this.unsaved.size, skippedCycles }, 'store write failed');
  }

  private async readIntensity(at: number, sources: Record<SourceName, SourceStatus>) {
    const t0 = performance.now();
    const areas: Area[] = this.area === 'regional' ? ['regional', 'national'] : ['national'];
    const readings = await Promise.all(areas.map((a) => this.deps.carbon.current(a, at)));
    const intensity: Partial<Record<Area, IntensityReading>> = {};
    areas.forEach((a, i) => (intensity[a] = readings[i]));
    const own = intensity[this.area];
    const failed = readings.find((r) => r.error !== undefined);
    sources.carbon_intensity = failed
      ? { ...sources.carbon_intensity, up: false, lastDurationSeconds: secondsSince(t0), lastError: failed.error }
      : { up: true, lastSuccessSeconds: at, lastDurationSeconds: secondsSince(t0) };
    if (own?.fallback) this.deps.logger?.warn({ area: this.area, error: own.error }, 'using fallback carbon intensity');
    return intensity;
  }
}

const secondsSince = (t0: number): number => (performance.now() - t0) / 1000;
