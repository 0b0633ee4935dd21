import Ajv from 'ajv';
import { keyOf, type ConfigIssue } from './issues';
import { envBindings, valueAt, type EnvBinding, type LeafType } from './keys';

export { envBindings, envNameFor, type EnvBinding, type LeafType } from './keys';

type Json = Record<string, unknown>;

/** The environment layer: values already of their schema type, and what could not be coerced. */
export interface EnvLayer {
  values: Json;
  /** key path -> "env NAME", for issues found later on these keys */
  origins: Map<string, string>;
  envKeys: string[];
  issues: ConfigIssue[];
}

// ajv coerces only "true"/"false"; the other spellings operators use are mapped to those first
const BOOLEAN_WORDS: Record<string, string> = {
  true: 'true',
  yes: 'true',
  1: 'true',
  false: 'false',
  no: 'false',
  0: 'false',
};

const EXPECTED: Record<Exclude<LeafType, 'string'>, string> = {
  boolean: 'must be true or false',
  number: 'must be a number',
  integer: 'must be an integer',
};

/** A schema of the leaf types alone: coercion here, every other constraint in the one validation of the merged config. */
function typeSchema(bindings: EnvBinding[]): Json {
  const root: Json = { type: 'object', properties: {} };
  for (const b of bindings) {
    let node = root;
    for (const k of b.path.slice(0, -1)) {
      const props = node.properties as Json;
      node = (props[k] ??= { type: 'object', properties: {} }) as Json;
    }
    (node.properties as Json)[b.path[b.path.length - 1] as string] = { type: b.type };
  }
  return root;
}

const bindings = envBindings();
const coerce = new Ajv({ allErrors: true, strict: true, coerceTypes: true }).compile(typeSchema(bindings));

function setPath(target: Json, keys: string[], value: unknown): void {
  let node = target;
  for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Json;
  node[keys[keys.length - 1] as string] = value;
}

/** Reads every ADA_CARBON_ variable that is set and non-empty, coerced to its key's type by the schema. */
export function envLayer(env: NodeJS.ProcessEnv): EnvLayer {
  const values: Json = {};
  const present: EnvBinding[] = [];
  for (const b of bindings) {
    const raw = env[b.env];
    if (raw === undefined || raw === '') continue;
    const text = b.type === 'string' ? raw : raw.trim();
    setPath(values, b.path, b.type === 'boolean' ? (BOOLEAN_WORDS[text.toLowerCase()] ?? text) : text);
    present.push(b);
  }
  const failed = new Set<string>();
  if (!coerce(values)) for (const e of coerce.errors ?? []) failed.add(keyOf(e.instancePath).join('.'));

  const layer: EnvLayer = { values: {}, origins: new Map(), envKeys: [], issues: [] };
  for (const b of present) {
    const key = b.path.join('.');
    if (failed.has(key) && b.type !== 'string') {
      const raw = env[b.env] as string;
      layer.issues.push({ key, message: `${EXPECTED[b.type]}, got ${JSON.stringify(raw)}`, origin: `env ${b.env}` });
      continue;
    }
    setPath(layer.values, b.path, valueAt(values, b.path));
    layer.origins.set(key, `env ${b.env}`);
    layer.envKeys.push(b.env);
  }
  return layer;
}
