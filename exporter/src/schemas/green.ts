import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ErrorResponse } from './common';
import { Key, OneOf } from './query';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Iso = Type.String({ format: 'date-time' });
const Errors = { 400: ErrorResponse, 500: ErrorResponse };
const Area = OneOf(['national', 'regional'], 'area must be national or regional, got {value}', 'national or regional');
const Hours = Type.Number({
  minimum: 0.5,
  maximum: 48,
  multipleOf: 0.5,
  errorMessage: 'hours must be a whole number of half-hours from 0.5 to 48 (e.g. 1, 1.5, 8), got {value}',
});
const Grams = Type.Number({
  minimum: 0,
  maximum: 1e15,
  errorMessage: 'grams must be a number of grams of CO2e >= 0, got {value}',
});
const GramsPerKwh = Type.Number({
  exclusiveMinimum: 0,
  maximum: 2000,
  errorMessage: 'gramsPerKwh must be a grid intensity in gCO2/kWh above 0 and at most 2000, got {value}',
});

/** Where idle waste can be asked for; each is a workspace label. */
export const IDLE_LEVELS = ['site', 'project', 'user', 'host'] as const;
export type IdleLevel = (typeof IDLE_LEVELS)[number];

export const AdviceView = Type.Object({
  duration: Type.String({ description: 'window length, e.g. 3h or 1h30m' }),
  duration_hours: Type.Number(),
  available: Type.Boolean(),
  start: Nullable(Iso),
  end: Nullable(Iso),
  starts_now: Type.Boolean(),
  mean_gCo2eq_per_kwh: Nullable(Type.Number()),
  now_mean_gCo2eq_per_kwh: Nullable(Type.Number()),
  mean_gco2_per_kwh: Nullable(
    Type.Number({ deprecated: true, description: 'deprecated alias of mean_gCo2eq_per_kwh, removed in 0.3.0' })
  ),
  now_mean_gco2_per_kwh: Nullable(
    Type.Number({ deprecated: true, description: 'deprecated alias of now_mean_gCo2eq_per_kwh, removed in 0.3.0' })
  ),
  saving_ratio: Nullable(Type.Number()),
  /** why there is no advice: no_forecast, longer_than_forecast or gaps */
  reason: Nullable(Type.String()),
  message: Type.String(),
});
export type AdviceViewT = Static<typeof AdviceView>;

const SlotView = Type.Object({
  from: Iso,
  to: Iso,
  offset_minutes: Type.Integer(),
  forecast_gCo2eq_per_kwh: Nullable(Type.Number()),
  forecast_gco2_per_kwh: Nullable(
    Type.Number({ deprecated: true, description: 'deprecated alias of forecast_gCo2eq_per_kwh, removed in 0.3.0' })
  ),
  index: Nullable(Type.String()),
});

const AreaForecastView = Type.Object({
  area: Type.String(),
  up: Type.Boolean(),
  fetched_at: Nullable(Iso),
  last_success_at: Nullable(Iso),
  error: Nullable(Type.String()),
  slots: Type.Array(SlotView),
  greenest: Type.Array(AdviceView),
});

export const ForecastSchema = {
  querystring: Type.Object({ area: Type.Optional(Area) }, { additionalProperties: false }),
  response: {
    200: Type.Object({ generated_at: Nullable(Iso), areas: Type.Array(AreaForecastView) }),
    ...Errors,
  },
};

export const GreenestWindowSchema = {
  querystring: Type.Object({ hours: Type.Optional(Hours), area: Type.Optional(Area) }, { additionalProperties: false }),
  response: {
    200: Type.Object({
      area: Type.String(),
      generated_at: Nullable(Iso),
      forecast_up: Type.Boolean(),
      windows: Type.Array(AdviceView),
    }),
    ...Errors,
  },
};

export const EquivalenciesSchema = {
  querystring: Type.Object({ grams: Grams, gramsPerKwh: Type.Optional(GramsPerKwh) }, { additionalProperties: false }),
  response: {
    200: Type.Object({
      grams: Type.Number(),
      gCo2eq_per_kwh: Type.Number(),
      grams_per_kwh: Type.Number({
        deprecated: true,
        description: 'deprecated alias of gCo2eq_per_kwh, removed in 0.3.0',
      }),
      /** given: the request's gramsPerKwh; reference: the configured GB average (carbonIntensity.fallbackGramsPerKwh) */
      intensity_basis: Type.Union([Type.Literal('given'), Type.Literal('reference')]),
      equivalents: Type.Array(
        Type.Object({
          id: Type.String(),
          label: Type.String(),
          unit: Type.String(),
          amount: Type.Number(),
          grams_per_unit: Type.Number(),
          source: Type.String(),
        })
      ),
    }),
    ...Errors,
  },
};

const IdleFigures = Type.Object({
  workspaces: Type.Integer(),
  idle_workspaces: Type.Integer(),
  idle_power_watts: Type.Number(),
  idle_kwh_since_start: Type.Number(),
  idle_gCo2eq_since_start: Type.Number(),
  shutdown_saving_kwh_per_day: Type.Number(),
  shutdown_saving_gCo2eq_per_day: Type.Number(),
});
const PeriodFigures = Nullable(
  Type.Object({
    from: Iso,
    to: Iso,
    busy_kwh: Type.Number(),
    idle_kwh: Type.Number(),
    busy_gCo2eq: Type.Number(),
    idle_gCo2eq: Type.Number(),
    idle_ratio_of_energy: Nullable(Type.Number()),
  })
);

export const IdleWasteSchema = {
  querystring: Type.Object(
    {
      level: OneOf(IDLE_LEVELS, `level must be one of ${IDLE_LEVELS.join(', ')}, got {value}`),
      key: Key(200),
    },
    { additionalProperties: false }
  ),
  response: {
    200: Type.Object({
      level: Type.String(),
      key: Type.String(),
      generated_at: Nullable(Iso),
      idle_ratio_threshold: Type.Number(),
      intensity: Type.Object({
        area: Type.String(),
        gCo2eq_per_kwh: Type.Number(),
        grams_per_kwh: Type.Number({
          deprecated: true,
          description: 'deprecated alias of gCo2eq_per_kwh, removed in 0.3.0',
        }),
        basis: Type.String(),
      }),
      now: IdleFigures,
      idle_workspaces: Type.Array(
        Type.Object({
          site: Type.String(),
          project: Type.String(),
          machine: Type.String({ deprecated: true, description: 'deprecated alias of machine_name, removed in 0.3.0' }),
          machine_name: Type.String(),
          host: Type.String(),
          user: Nullable(Type.String()),
          cpus: Type.Number(),
          idle_ratio: Type.Number(),
          power_watts: Type.Number(),
          shutdown_saving_kwh_per_day: Type.Number(),
          shutdown_saving_gCo2eq_per_day: Type.Number(),
        })
      ),
      history: Type.Object({
        available: Type.Boolean(),
        last_day: PeriodFigures,
        last_week: PeriodFigures,
        note: Nullable(Type.String()),
      }),
    }),
    ...Errors,
    401: ErrorResponse,
  },
};
