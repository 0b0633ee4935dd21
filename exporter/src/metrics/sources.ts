import { Gauge, type Registry } from 'prom-client';
import { SOURCES } from '../tracking/snapshot';
import { onNewSnapshot, type SnapshotSource } from './common';

export const SOURCE_UP = 'ada_carbon_source_up';
export const SOURCE_LAST_SUCCESS = 'ada_carbon_source_last_success_timestamp_seconds';
export const SOURCE_DURATION = 'ada_carbon_source_duration_seconds';

// The three per-source families share one reading of the snapshot, so they live together.
export function sourceMetrics(registry: Registry, source: SnapshotSource): void {
  const labelNames = ['source'] as const;
  const up = new Gauge({
    name: SOURCE_UP, help: '1 when the last call to the source (prometheus, carbon_intensity, store) succeeded, else 0.',
    labelNames, registers: [registry],
    // fills all three families; registered first, so it runs before any of them is serialised
    collect: () => fill(),
  });
  const last = new Gauge({
    name: SOURCE_LAST_SUCCESS, help: 'Unix time in seconds of the last successful call to the source.',
    labelNames, registers: [registry],
  });
  const duration = new Gauge({
    name: SOURCE_DURATION, help: 'Duration of the last call to the source in seconds, retries included.',
    labelNames, registers: [registry],
  });
  const fill = onNewSnapshot(source, (s) => {
    for (const name of SOURCES) {
      const st = s.sources[name];
      up.set({ source: name }, st.up ? 1 : 0);
      if (st.lastSuccessSeconds !== undefined) last.set({ source: name }, st.lastSuccessSeconds);
      if (st.lastDurationSeconds !== undefined) duration.set({ source: name }, st.lastDurationSeconds);
    }
  });
}
