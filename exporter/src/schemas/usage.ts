import { Type, type Static } from '@sinclair/typebox';
import { ErrorResponse, EnergySplitFields } from './common';
import { Day, Granularity, Key, Level, OneOf, When } from './query';

const Errors = { 400: ErrorResponse, 401: ErrorResponse, 500: ErrorResponse };

export const Figures = Type.Object({
  ...EnergySplitFields,
  runtime_seconds: Type.Union([Type.Number(), Type.Null()], {
    description: 'busy cpu-seconds / vCPUs, summed; null when some hour was estimated before runtime was kept',
  }),
  hours_expected: Type.Integer(),
  hours_estimated: Type.Integer(),
  hours_failed: Type.Integer(),
  hours_fallback: Type.Integer(),
  hours_from_machine_averages: Type.Optional(
    Type.Integer({
      description:
        'hours Prometheus could not give, filled from machine averages (within hours_estimated); only when > 0',
    })
  ),
});
export type FiguresT = Static<typeof Figures>;

export const UsageQuery = Type.Object(
  { level: Level, key: Key(), from: When('from'), to: When('to'), granularity: Type.Optional(Granularity) },
  { additionalProperties: false }
);

export const UsageResponse = Type.Object({
  level: Type.String(),
  key: Type.String(),
  granularity: Type.String(),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  series: Type.Array(
    Type.Intersect([
      Type.Object({
        time: Type.String({ format: 'date-time' }),
        estimated_from: Type.Optional(
          Type.Literal('machine_averages', { description: 'set when some hour of the bucket is such an estimate' })
        ),
      }),
      Figures,
    ])
  ),
  totals: Figures,
});

export const UsageSchema = { querystring: UsageQuery, response: { 200: UsageResponse, ...Errors } };

const Cell = Type.Object({
  busy_cpu_seconds_total: Type.Number(),
  idle_cpu_seconds_total: Type.Number(),
  busy_kwh: Type.Number(),
  idle_kwh: Type.Number(),
  busy_gCo2eq: Type.Number(),
  idle_gCo2eq: Type.Number(),
});
export type CellT = Static<typeof Cell>;

export const DayParams = Type.Object({ level: Level, key: Key(), date: Day('date') });
export const DayQuery = Type.Object({
  machine_keys: Type.Optional(
    OneOf(
      ['seed', 'names'],
      'unknown machine_keys {value}; one of: seed, names',
      'seed (default): ARTEMIS_MATLAB; names: the display names (deprecated, removed in 0.3.0)'
    )
  ),
});
export const DayResponse = Type.Object({
  cloud_project_name: Type.String(),
  level: Type.String(),
  key: Type.String(),
  date: Type.String({ description: 'DD_MM_YYYY as in the seed' }),
  day: Type.String({ description: 'YYYY-MM-DD' }),
  hours_expected: Type.Integer(),
  hours_estimated: Type.Integer(),
  hours_failed: Type.Integer(),
  hours_fallback: Type.Integer(),
  hours_from_machine_averages: Type.Integer(),
  /** "HH:MM" of hours whose gCO2e used the fallback intensity */
  fallback_hours: Type.Array(Type.String()),
  /** the machine keys of `timeseries` and their display names, e.g. ARTEMIS_MATLAB: "Artemis (Matlab)" */
  machine_names: Type.Record(Type.String(), Type.String()),
  timeseries: Type.Record(Type.String(), Type.Union([Type.Record(Type.String(), Cell), Type.Literal('failed')])),
});
export const DaySchema = { params: DayParams, querystring: DayQuery, response: { 200: DayResponse, ...Errors } };

export const SummaryQuery = Type.Object(
  { level: Level, key: Key(), from: When('from'), to: When('to') },
  { additionalProperties: false }
);
const Contributor = Type.Object({
  name: Type.String(),
  busy_kwh: Type.Number(),
  idle_kwh: Type.Number(),
  busy_gCo2eq: Type.Number(),
  idle_gCo2eq: Type.Number(),
  kwh: Type.Number(),
  total_gCo2eq: Type.Number(),
});
export const SummaryResponse = Type.Object({
  level: Type.String(),
  key: Type.String(),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  totals: Figures,
  kwh: Type.Number(),
  total_gCo2eq: Type.Number(),
  busy_kwh_ratio: Type.Union([Type.Number(), Type.Null()]),
  fallback_gCo2eq: Type.Number(),
  contributors: Type.Array(Type.Object({ level: Type.String(), items: Type.Array(Contributor) })),
  data_quality: Type.Object({
    hours_expected: Type.Integer(),
    hours_estimated: Type.Integer(),
    hours_failed: Type.Integer(),
    hours_fallback: Type.Integer(),
    hours_from_machine_averages: Type.Integer(),
    hours_missing: Type.Integer(),
    sum_check: Type.Object({
      hours_checked: Type.Integer(),
      hours_off: Type.Integer(),
      /** estimated hours with no node_exporter CPU samples in scope (zero use seen, nothing to check) */
      hours_without_samples: Type.Integer(),
      /** null when no hour could be checked */
      held: Type.Union([Type.Boolean(), Type.Null()]),
      tolerance_ratio: Type.Number(),
    }),
  }),
});
export const SummarySchema = { querystring: SummaryQuery, response: { 200: SummaryResponse, ...Errors } };

export const HeatmapQuery = Type.Object(
  { level: Level, key: Key(), year: Type.Integer({ minimum: 2000, maximum: 2100 }) },
  { additionalProperties: false }
);
export const HeatmapResponse = Type.Object({
  level: Type.String(),
  key: Type.String(),
  year: Type.Integer(),
  days: Type.Array(
    Type.Object({
      date: Type.String(),
      kwh: Type.Number(),
      total_gCo2eq: Type.Number(),
      busy_kwh: Type.Number(),
      idle_kwh: Type.Number(),
      hours_estimated: Type.Integer(),
      hours_failed: Type.Integer(),
    })
  ),
});
export const HeatmapSchema = { querystring: HeatmapQuery, response: { 200: HeatmapResponse, ...Errors } };

const Profile = Type.Object({
  busyWattsPerCpu: Type.Number(),
  idleWattsPerCpu: Type.Number(),
  memoryWattsPerGiB: Type.Number(),
  memoryWatts: Type.Optional(Type.Number()),
  otherWatts: Type.Number(),
});
export const MachinesResponse = Type.Object({
  pue: Type.Number(),
  machines: Type.Array(
    Type.Object({
      machine_name: Type.String(),
      workspace_days: Type.Integer(),
      metrics: Type.Object({
        energy_kwh: Type.Object({
          busy: Type.Object({ average: Type.Number() }),
          idle: Type.Object({ average: Type.Number() }),
        }),
        carbon_gCo2eq: Type.Object({
          busy: Type.Object({ average: Type.Number() }),
          idle: Type.Object({ average: Type.Number() }),
        }),
      }),
      updated_at: Type.Union([Type.String(), Type.Null()]),
      profile: Profile,
    })
  ),
});
export const MachinesSchema = { response: { 200: MachinesResponse, 500: ErrorResponse } };
