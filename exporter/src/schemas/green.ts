import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ErrorResponse } from './common';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Iso = Type.String({ format: 'date-time' });
// numbers arrive as strings and are checked by the handlers, so a 400 can say exactly what is wrong
const NumberText = Type.String({ minLength: 1, maxLength: 40 });
const AreaText = Type.String({ minLength: 1, maxLength: 20, description: 'national or regional' });

export const AdviceView = Type.Object({
  duration: Type.String({ description: 'window length, e.g. 3h or 1h30m' }),
  duration_hours: Type.Number(),
  available: Type.Boolean(),
  start: Nullable(Iso),
  end: Nullable(Iso),
  starts_now: Type.Boolean(),
  mean_gco2_per_kwh: Nullable(Type.Number()),
  now_mean_gco2_per_kwh: Nullable(Type.Number()),
  saving_ratio: Nullable(Type.Number()),
  /** why there is no advice: no_forecast, longer_than_forecast or gaps */
  reason: Nullable(Type.String()),
  message: Type.String(),
});
export type AdviceViewT = Static<typeof AdviceView>;

const SlotView = Type.Object({
  from: Iso, to: Iso, offset_minutes: Type.Integer(), forecast_gco2_per_kwh: Nullable(Type.Number()), index: Nullable(Type.String()),
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
  querystring: Type.Object({ area: Type.Optional(AreaText) }, { additionalProperties: false }),
  response: {
    200: Type.Object({ generated_at: Nullable(Iso), areas: Type.Array(AreaForecastView) }),
    400: ErrorResponse,
  },
};

export const GreenestWindowSchema = {
  querystring: Type.Object({ hours: Type.Optional(NumberText), area: Type.Optional(AreaText) }, { additionalProperties: false }),
  response: {
    200: Type.Object({ area: Type.String(), generated_at: Nullable(Iso), forecast_up: Type.Boolean(), windows: Type.Array(AdviceView) }),
    400: ErrorResponse,
  },
};

export const EquivalenciesSchema = {
  querystring: Type.Object({ grams: NumberText, gramsPerKwh: Type.Optional(NumberText) }, { additionalProperties: false }),
  response: {
    200: Type.Object({
      grams: Type.Number(),
      grams_per_kwh: Type.Number(),
      /** given: the request's gramsPerKwh; reference: the configured GB average (carbonIntensity.fallbackGramsPerKwh) */
      intensity_basis: Type.Union([Type.Literal('given'), Type.Literal('reference')]),
      equivalents: Type.Array(Type.Object({
        id: Type.String(), label: Type.String(), unit: Type.String(), amount: Type.Number(), grams_per_unit: Type.Number(), source: Type.String(),
      })),
    }),
    400: ErrorResponse,
  },
};

const IdleFigures = Type.Object({
  workspaces: Type.Integer(),
  idle_workspaces: Type.Integer(),
  idle_power_watts: Type.Number(),
  idle_kwh_since_start: Type.Number(),
  idle_gco2e_since_start: Type.Number(),
  shutdown_saving_kwh_per_day: Type.Number(),
  shutdown_saving_gco2e_per_day: Type.Number(),
});
const PeriodFigures = Nullable(Type.Object({
  from: Iso, to: Iso, busy_kwh: Type.Number(), idle_kwh: Type.Number(), busy_gco2e: Type.Number(), idle_gco2e: Type.Number(),
  idle_ratio_of_energy: Nullable(Type.Number()),
}));

export const IdleWasteSchema = {
  querystring: Type.Object({ level: Type.String({ minLength: 1, maxLength: 20 }), key: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
  response: {
    200: Type.Object({
      level: Type.String(),
      key: Type.String(),
      generated_at: Nullable(Iso),
      idle_ratio_threshold: Type.Number(),
      intensity: Type.Object({ area: Type.String(), grams_per_kwh: Type.Number(), basis: Type.String() }),
      now: IdleFigures,
      idle_workspaces: Type.Array(Type.Object({
        site: Type.String(), project: Type.String(), machine: Type.String(), host: Type.String(), user: Nullable(Type.String()),
        cpus: Type.Number(), idle_ratio: Type.Number(), power_watts: Type.Number(),
        shutdown_saving_kwh_per_day: Type.Number(), shutdown_saving_gco2e_per_day: Type.Number(),
      })),
      history: Type.Object({ available: Type.Boolean(), last_day: PeriodFigures, last_week: PeriodFigures, note: Nullable(Type.String()) }),
    }),
    400: ErrorResponse,
    401: ErrorResponse,
  },
};
