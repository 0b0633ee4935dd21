import { Kind, type TSchema } from '@sinclair/typebox';
import { ConfigSchema, MachineProfileSchema } from './schema';

export type LeafType = 'string' | 'number' | 'integer' | 'boolean';
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

export function envNameFor(path: readonly string[]): string {
  return PREFIX + path.map(snake).join('_');
}

function leafType(schema: TSchema): LeafType | undefined {
  if (schema[Kind] === 'Union') return 'string'; // enums of literals (logLevel)
  const t = schema.type;
  return t === 'string' || t === 'number' || t === 'integer' || t === 'boolean' ? t : undefined;
}

function walk(schema: TSchema, path: string[], out: EnvBinding[]): void {
  if (schema[Kind] === 'Object' && schema.properties) {
    for (const [key, child] of Object.entries(schema.properties as Record<string, TSchema>)) {
      walk(child, [...path, key], out);
    }
    return;
  }
  const type = leafType(schema);
  if (type) out.push({ path, env: envNameFor(path), type, secret: schema.secret === true });
}

/** Every scalar key that an environment variable can set (records such as `sites` are file-only, except machines.default). */
export function envBindings(): EnvBinding[] {
  const out: EnvBinding[] = [];
  walk(ConfigSchema, [], out);
  walk(MachineProfileSchema, ['machines', 'default'], out);
  return out;
}

/** Turns an environment string into the leaf's type; returns an error message instead when it cannot. */
export function coerceEnv(raw: string, type: LeafType): { value: unknown } | { error: string } {
  const text = raw.trim();
  if (type === 'string') return { value: raw };
  if (type === 'boolean') {
    if (/^(true|1|yes)$/i.test(text)) return { value: true };
    if (/^(false|0|no)$/i.test(text)) return { value: false };
    return { error: `must be true or false, got ${JSON.stringify(raw)}` };
  }
  const n = Number(text);
  if (text === '' || !Number.isFinite(n)) return { error: `must be a number, got ${JSON.stringify(raw)}` };
  if (type === 'integer' && !Number.isInteger(n)) return { error: `must be an integer, got ${JSON.stringify(raw)}` };
  return { value: n };
}
