/**
 * The exporter's greener-choices and per-user REST endpoints as their TypeBox route schemas describe them, so that
 * Infinity targets can be checked against what is documented: query parameters, the root selector's path and each
 * column's field and type. (`/api/v1/usage` targets have their own, stricter check in dashboards.test.ts.)
 */
import type { TSchema } from '@sinclair/typebox';
import {
  EquivalenciesSchema,
  ForecastSchema,
  GreenestWindowSchema,
  IdleWasteSchema,
} from '../../../exporter/src/schemas/green';
import { IDLE_LEVELS } from '../../../exporter/src/schemas/green';
import { HeatmapSchema } from '../../../exporter/src/schemas/usage';
import { WorkspacesSchema } from '../../../exporter/src/schemas/workspaces';
import type { Target } from './shapes';

/** The JSON Schema keywords the checks read (TypeBox schemas are JSON Schema). */
export interface JsonSchema {
  type?: string;
  format?: string;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  /** the other keywords, unread */
  [keyword: string]: unknown;
}

export type ObjectSchema = JsonSchema & { properties: Record<string, JsonSchema> };

interface RouteSchema {
  querystring: TSchema;
  response: { 200: TSchema };
}

export const GREEN_ENDPOINTS: Record<string, RouteSchema> = {
  '/api/v1/intensity/forecast': ForecastSchema,
  '/api/v1/greenest-window': GreenestWindowSchema,
  '/api/v1/idle-waste': IdleWasteSchema,
  '/api/v1/equivalencies': EquivalenciesSchema,
};

/** The per-user views' other endpoints (the sites only shape the `site` parameter, which the dashboards leave out). */
export const USER_ENDPOINTS: Record<string, RouteSchema> = {
  '/api/v1/workspaces': WorkspacesSchema(['clf', 'isis', 'diamond']),
  '/api/v1/heatmap': HeatmapSchema,
};

export const REST_ENDPOINTS: Record<string, RouteSchema> = { ...GREEN_ENDPOINTS, ...USER_ENDPOINTS };

/** Whether a target's url is one of the greener-choices endpoints (a target without a url is not). */
export function isGreenEndpoint(url: string | undefined): boolean {
  return url !== undefined && url in GREEN_ENDPOINTS;
}

/** Whether a target's url is a greener-choices or per-user endpoint checked against its route schema. */
export function isRestEndpoint(url: string | undefined): boolean {
  return url !== undefined && url in REST_ENDPOINTS;
}

/** Allowed values of enumerated parameters (the schemas take text and the handlers check it). */
export const PARAM_VALUES: Record<string, Record<string, readonly string[]>> = {
  '/api/v1/idle-waste': { level: IDLE_LEVELS },
  '/api/v1/heatmap': { level: ['project', 'experiment', 'machine', 'host', 'user'] },
  '/api/v1/intensity/forecast': { area: ['national', 'regional', '$area'] },
  '/api/v1/greenest-window': { area: ['national', 'regional', '$area'] },
};

/** Drops `null` from a Nullable union and steps into arrays: the schema of one row. */
function rowSchema(s: JsonSchema): JsonSchema {
  if (Array.isArray(s.anyOf)) {
    const rest = s.anyOf.filter((x) => x.type !== 'null');
    if (rest.length === 1) return rowSchema(rest[0]!);
  }
  if (s.type === 'array') return rowSchema(s.items!);
  return s;
}

/** The row schema a dotted root selector (plain JSONata field path) picks from a 200 response; throws if undocumented. */
export function rowSchemaAt(url: string, rootSelector: string): ObjectSchema {
  const route = REST_ENDPOINTS[url];
  if (!route) throw new Error(`${url} is not a documented greener-choices or per-user endpoint`);
  if (!/^[a-z_]+(\.[a-z_]+)*$/.test(rootSelector))
    throw new Error(`root selector ${rootSelector} is not a plain field path`);
  let s = rowSchema(route.response[200]);
  for (const part of rootSelector.split('.')) {
    const next = s.properties?.[part];
    if (!next) throw new Error(`${url}: no documented field ${part} in ${rootSelector}`);
    s = rowSchema(next);
  }
  if (s.type !== 'object' || !s.properties)
    throw new Error(`${url}: ${rootSelector} is not an object or array of objects`);
  return { ...s, properties: s.properties };
}

/** Infinity column type for a documented field's schema. */
export function infinityTypeOf(field: JsonSchema): string {
  const s = rowSchema(field);
  // a union of string literals (an enumerated status) is text
  if (Array.isArray(s.anyOf) && s.anyOf.every((x) => x.type === 'string')) return 'string';
  if (s.type === 'number' || s.type === 'integer') return 'number';
  if (s.type === 'boolean') return 'boolean';
  if (s.type === 'string') return s.format === 'date-time' ? 'timestamp' : 'string';
  throw new Error(`no Infinity column type for ${JSON.stringify(s)}`);
}

/** Query parameters of an Infinity target as a plain object. */
export function paramsOf(t: Target): Record<string, string> {
  return Object.fromEntries((t.url_options?.params ?? []).map((x) => [x.key, x.value]));
}
