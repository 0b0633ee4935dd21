import { Kind, type TSchema } from '@sinclair/typebox';
import { ConfigSchema } from './schema';

export type LeafType = 'string' | 'number' | 'integer' | 'boolean';

/** One key of the reference: a scalar (each has an environment variable), or a list or map set in the file only. */
export interface ConfigKey {
  path: string[];
  schema: TSchema;
  /** the environment variable that sets it; undefined for file-only keys */
  env?: string;
  /** the leaf type an environment string is coerced to */
  type?: LeafType;
  secret: boolean;
}

/** A scalar key that an environment variable sets: the env table. */
export interface EnvBinding {
  path: string[];
  env: string;
  type: LeafType;
  secret: boolean;
}

const PREFIX = 'ADA_CARBON_';

function snake(segment: string): string {
  return segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** `ADA_CARBON_` + the key path in upper snake case: prometheus.timeoutSeconds -> ADA_CARBON_PROMETHEUS_TIMEOUT_SECONDS. */
export function envNameFor(path: readonly string[]): string {
  return PREFIX + path.map(snake).join('_');
}

function leafType(schema: TSchema): LeafType | undefined {
  if (schema[Kind] === 'Union') return 'string'; // enums of literals (logLevel)
  const t: unknown = schema.type;
  return t === 'string' || t === 'number' || t === 'integer' || t === 'boolean' ? t : undefined;
}

function walk(schema: TSchema, path: string[], out: ConfigKey[], envAllowed: boolean): void {
  if (schema[Kind] === 'Object' && schema.properties) {
    for (const [key, child] of Object.entries(schema.properties as Record<string, TSchema>)) {
      walk(child, [...path, key], out, envAllowed);
    }
    return;
  }
  if (schema[Kind] === 'Record') {
    // a map is set in the file; only its `envEntry` (machines.default) also has environment variables
    out.push({ path, schema, secret: false });
    const value = Object.values(schema.patternProperties as Record<string, TSchema>)[0];
    const entry = (schema.envEntry ?? schema.docEntry) as string | undefined;
    if (value && entry) walk(value, [...path, entry], out, schema.envEntry !== undefined);
    return;
  }
  const type = envAllowed ? leafType(schema) : undefined;
  out.push({ path, schema, env: type && envNameFor(path), type, secret: schema.secret === true });
}

/** The value at a key path of a config-shaped object, undefined where the path leads nowhere. */
export function valueAt(target: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (node, k) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined),
    target
  );
}

let keys: ConfigKey[] | undefined;

/** Every key of the config in schema order, records and their entries included. */
export function configKeys(): ConfigKey[] {
  if (!keys) {
    keys = [];
    walk(ConfigSchema, [], keys, true);
  }
  return keys;
}

/** The env table: every scalar key an environment variable can set (`sites` and lists are file-only). */
export function envBindings(): EnvBinding[] {
  return configKeys().flatMap((k) =>
    k.env && k.type ? [{ path: k.path, env: k.env, type: k.type, secret: k.secret }] : []
  );
}
