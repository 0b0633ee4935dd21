import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CycleStats, TrackingSnapshot } from '../../tracking/snapshot';
import { ANOMALY_KINDS } from '../../tracking/types';
import type { Descriptor, Family } from '../table';

/** Read from the build, not a snapshot: set once. */
export const BUILD_INFO: Family<string> = {
  name: 'ada_carbon_build_info',
  help: 'Always 1; the version label says which ada-carbon build is running.',
  type: 'gauge',
  labels: ['version', 'nodejs_version'],
  samples: (version) => [[{ version, nodejs_version: process.version }, 1]],
};

/** Fed by the tracker as each cycle ends: a histogram must see every cycle, not only scraped ones. */
export const CYCLE_FAMILIES = {
  duration: {
    name: 'ada_carbon_tracking_cycle_duration_seconds',
    help: 'Wall time of a tracking cycle in seconds, until its snapshot is published (carbon intensity, Prometheus queries, integration; the store write follows it).',
    type: 'histogram',
    labels: [],
  },
  cycles: {
    name: 'ada_carbon_tracking_cycles_total',
    help: 'Tracking cycles run, by result (ok or failed).',
    type: 'counter',
    labels: ['result'],
  },
  queries: {
    name: 'ada_carbon_tracking_cycle_queries',
    help: 'PromQL queries issued by the last tracking cycle: 5, and a 6th for per-CPU detail when some target needs it, whatever the number of hosts.',
    type: 'gauge',
    labels: [],
  },
} as const satisfies Record<string, Descriptor>;

const CYCLE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Registers the cycle families and returns what records one finished cycle in them. */
export function cycleRecorder(registry: Registry): (c: CycleStats) => void {
  const spec = (d: Descriptor) => ({ name: d.name, help: d.help, labelNames: d.labels, registers: [registry] });
  const duration = new Histogram({ ...spec(CYCLE_FAMILIES.duration), buckets: CYCLE_BUCKETS });
  const cycles = new Counter(spec(CYCLE_FAMILIES.cycles));
  const queries = new Gauge(spec(CYCLE_FAMILIES.queries));
  cycles.inc({ result: 'ok' }, 0);
  cycles.inc({ result: 'failed' }, 0);
  return (c) => {
    duration.observe(c.durationSeconds);
    cycles.inc({ result: c.ok ? 'ok' : 'failed' });
    queries.set(c.queries);
  };
}

/** Counter anomalies tracking worked around, every kind present from the start at 0. */
export const ANOMALIES: Family<TrackingSnapshot> = {
  name: 'ada_carbon_tracking_anomalies_total',
  help: 'Counter anomalies worked around by tracking since the exporter started, by kind: counter_drop, cpu_set_change, over_limit (clamped to CPUs x elapsed), duplicate_series, duplicate_target.',
  type: 'counter',
  labels: ['kind'],
  samples: (s) => ANOMALY_KINDS.map((kind) => [{ kind }, s.anomalies[kind]]),
};

/** Set after each rendering of the exposition. */
export const RENDER_DURATION = {
  name: 'ada_carbon_metrics_render_duration_seconds',
  help: 'Seconds the previous rendering of this exposition took (done once per tracking cycle, not per scrape).',
  type: 'gauge',
  labels: [],
} as const satisfies Descriptor;
