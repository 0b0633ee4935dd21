// Wires the history parts together for serve, the backfill command and tests.
import type { Config } from '../config';
import type { CarbonIntensityClient } from '../sources/carbon';
import type { PrometheusClient } from '../sources/prometheus';
import { openUsageStore } from '../store/usage';
import type { UsageStore } from '../store/usage/types';
import { BackfillRunner } from './backfill';
import { CarbonSlotCache } from './carbonCache';
import { MachineMetricsTable } from './machineMetrics';
import { loadOwnership, Ownership, ownershipSettings } from '../ownership';

export interface HistoryContext {
  store: UsageStore;
  carbonCache: CarbonSlotCache;
  machineMetrics: MachineMetricsTable;
  runner: BackfillRunner;
  close(): Promise<void>;
}

export interface OpenHistoryOptions {
  config: Config;
  prometheus: PrometheusClient;
  carbon: CarbonIntensityClient;
  /** a test's store; default: MongoDB when store.mongodb.url is set, else SQLite */
  store?: UsageStore;
  now?: () => number;
}

/** Reads the records at the start of every run; bad records are skipped (the live refresher reports them). */
export function ownershipLoader(config: Config): (() => Promise<Ownership | undefined>) | undefined {
  const { source } = ownershipSettings(config);
  if (!source) return undefined;
  return async () => new Ownership((await loadOwnership(source)).records);
}

export async function openHistory(opts: OpenHistoryOptions): Promise<HistoryContext> {
  const { config } = opts;
  const now = opts.now ?? ((): number => Date.now() / 1000);
  const store = opts.store ?? (await openUsageStore(config));
  const area = config.carbonIntensity.postcode ? 'regional' : 'national';
  const carbonCache = new CarbonSlotCache(
    store.derived,
    opts.carbon,
    area,
    config.carbonIntensity.fallbackGramsPerKwh,
    now
  );
  const machineMetrics = new MachineMetricsTable(store.derived);
  const runner = new BackfillRunner({
    config,
    prometheus: opts.prometheus,
    carbon: carbonCache,
    store,
    now,
    loadOwnership: ownershipLoader(config),
    afterRun: async () => {
      const days = config.history.retentionDays;
      if (days !== undefined) await store.prune(now() - days * 86400);
      // the store keeps the averages as it writes: this reads a few rows per machine type and day
      await machineMetrics.save(await store.machineAverages(), now());
    },
  });
  return {
    store,
    carbonCache,
    machineMetrics,
    runner,
    close: async () => {
      if (!opts.store) await store.close();
    },
  };
}
