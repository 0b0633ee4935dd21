import { SOURCES, type SourceStatus, type TrackingSnapshot } from '../../tracking/snapshot';
import { familiesOf, type Family } from '../table';

const family = familiesOf<TrackingSnapshot>();

const perSource = (name: string, help: string, value: (st: SourceStatus) => number | undefined) =>
  family({
    name,
    help,
    type: 'gauge',
    labels: ['source'],
    samples: (s) => [
      ...SOURCES.map((source) => [{ source }, value(s.sources[source])] as const),
      ...(s.ownership ? [[{ source: 'ownership' }, value(s.ownership)] as const] : []),
    ],
  });

/** How each data source fared at its last call. */
export const SOURCE_FAMILIES: readonly Family<TrackingSnapshot>[] = [
  perSource(
    'ada_carbon_source_up',
    '1 when the last call to the source (prometheus, carbon_intensity, store) succeeded, else 0.',
    (st) => (st.up ? 1 : 0)
  ),
  perSource(
    'ada_carbon_source_last_success_timestamp_seconds',
    'Unix time in seconds of the last successful call to the source.',
    (st) => st.lastSuccessSeconds
  ),
  perSource(
    'ada_carbon_source_duration_seconds',
    'Duration of the last call to the source in seconds, retries included.',
    (st) => st.lastDurationSeconds
  ),
];

/** What the conflict counter reads: the carbon client's running count (the client itself stays free of prom-client). */
export type ConflictStats = () => { conflictingSlots: number };

/** Copies the client's cumulative count at each rendering; without a client it stays 0. */
export const CONFLICTING_SLOTS: Family<ReturnType<ConflictStats> | undefined> = {
  name: 'ada_carbon_carbon_intensity_conflicting_slots_total',
  help: 'Half-hours for which a carbon intensity API answer held rows with different intensities, counted once per answer; one rule picked the value used (an actual over a forecast, else the higher).',
  type: 'counter',
  labels: [],
  samples: (stats) => (stats ? [[{}, stats.conflictingSlots]] : []),
};
