import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CycleStats } from '../tracking/snapshot';
import { ANOMALY_KINDS } from '../tracking/types';
import type { SnapshotSource } from './common';

export const CYCLE_DURATION = 'ada_carbon_tracking_cycle_duration_seconds';
export const CYCLES = 'ada_carbon_tracking_cycles_total';
export const CYCLE_QUERIES = 'ada_carbon_tracking_cycle_queries';
export const ANOMALIES = 'ada_carbon_tracking_anomalies_total';

/** Cycle metrics are fed by the tracker as each cycle ends (a histogram must see every cycle, not only scraped ones). */
export function trackingMetrics(registry: Registry): (c: CycleStats) => void {
  const duration = new Histogram({
    name: CYCLE_DURATION,
    help: 'Wall time of a tracking cycle in seconds (Prometheus queries, carbon intensity, store write).',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const cycles = new Counter({
    name: CYCLES, help: 'Tracking cycles run, by result (ok or failed).', labelNames: ['result'] as const,
    registers: [registry],
  });
  const queries = new Gauge({
    name: CYCLE_QUERIES, help: 'PromQL queries issued by the last tracking cycle: 5, and a 6th for per-CPU detail when some target needs it, whatever the number of hosts.',
    registers: [registry],
  });
  cycles.inc({ result: 'ok' }, 0);
  cycles.inc({ result: 'failed' }, 0);
  return (c) => {
    duration.observe(c.durationSeconds);
    cycles.inc({ result: c.ok ? 'ok' : 'failed' });
    queries.set(c.queries);
  };
}

/** Counter anomalies tracking worked around, read from the snapshot (every kind present from the start, at 0). */
export function anomalyMetric(registry: Registry, source: SnapshotSource): void {
  new Counter({
    name: ANOMALIES,
    help: 'Counter anomalies worked around by tracking since the exporter started, by kind: counter_drop, cpu_set_change, over_limit (clamped to CPUs x elapsed), duplicate_series, duplicate_target.',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      const counts = source().anomalies;
      this.reset();
      for (const kind of ANOMALY_KINDS) this.inc({ kind }, counts[kind]);
    },
  });
}
