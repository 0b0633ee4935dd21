import { Type } from '@sinclair/typebox';

/** Fastify's error body, used for every 4xx/5xx response schema. */
export const ErrorResponse = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  code: Type.Optional(Type.String()),
});
