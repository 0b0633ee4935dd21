import { Type } from '@sinclair/typebox';

const SourceView = Type.Object({
  up: Type.Boolean(),
  last_success_at: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
});

export const ReadyResponse = Type.Object({
  ready: Type.Boolean(),
  down: Type.Array(Type.String()),
  last_cycle_at: Type.Union([Type.String(), Type.Null()]),
  sources: Type.Record(Type.String(), SourceView),
});

export const ReadySchema = { response: { 200: ReadyResponse, 503: ReadyResponse } };
export const HealthSchema = { response: { 200: Type.Object({ status: Type.Literal('ok') }) } };
