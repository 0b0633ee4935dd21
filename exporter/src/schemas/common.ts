import { Type } from '@sinclair/typebox';

/** Fastify's error body, used for every 4xx/5xx response schema. */
export const ErrorResponse = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  code: Type.Optional(Type.String()),
});

/** The busy/idle split every usage figure carries (cpu-seconds, kWh, gCO2e), shared by live and history responses. */
export const EnergySplitFields = {
  busy_cpu_seconds_total: Type.Number(),
  idle_cpu_seconds_total: Type.Number(),
  busy_cpu_seconds: Type.Number({
    deprecated: true,
    description: 'deprecated alias of busy_cpu_seconds_total, removed in 0.3.0',
  }),
  idle_cpu_seconds: Type.Number({
    deprecated: true,
    description: 'deprecated alias of idle_cpu_seconds_total, removed in 0.3.0',
  }),
  busy_kwh: Type.Number(),
  idle_kwh: Type.Number(),
  busy_gCo2eq: Type.Number(),
  idle_gCo2eq: Type.Number(),
};
