import { Type, type Static } from '@sinclair/typebox';
import { EnergySplitFields, ErrorResponse } from './common';
import { OneOf } from './query';

/** The query for the sites an app knows (configured ones and `unknown`). */
export const WorkspacesQuery = (sites: readonly string[]) =>
  Type.Object(
    {
      site: Type.Optional(
        OneOf(sites, `unknown site {value}; configured sites: ${sites.join(', ')}`, 'a configured site, e.g. clf')
      ),
    },
    { additionalProperties: false }
  );

export const WorkspaceView = Type.Object({
  site: Type.String(),
  project: Type.String(),
  machine: Type.String({ deprecated: true, description: 'deprecated alias of machine_name, removed in 0.3.0' }),
  machine_name: Type.String(),
  host: Type.String(),
  user: Type.String(),
  experiment: Type.String(),
  instance: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('missing')]),
  started_at: Type.String({ format: 'date-time' }),
  last_seen_at: Type.String({ format: 'date-time' }),
  cpus: Type.Number(),
  ...EnergySplitFields,
  runtime_seconds: Type.Number({ description: 'busy cpu-seconds / vCPUs: grows only with the busy share' }),
  /** part of the gCO2e computed with the fallback intensity */
  fallback_gCo2eq: Type.Number(),
  power_watts: Type.Number(),
  idle_power_watts: Type.Number(),
  idle_ratio: Type.Union([Type.Number(), Type.Null()]),
  partial: Type.Boolean(),
});
export type WorkspaceViewT = Static<typeof WorkspaceView>;

export const WorkspacesResponse = Type.Object({
  generated_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  site: Type.Union([Type.String(), Type.Null()]),
  count: Type.Integer(),
  workspaces: Type.Array(WorkspaceView),
});
export type WorkspacesResponseT = Static<typeof WorkspacesResponse>;

export const WorkspacesSchema = (sites: readonly string[]) => ({
  querystring: WorkspacesQuery(sites),
  response: { 200: WorkspacesResponse, 400: ErrorResponse, 500: ErrorResponse },
});
