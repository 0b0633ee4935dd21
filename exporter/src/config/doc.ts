import fs from 'node:fs';
import path from 'node:path';
import { Kind, type TSchema } from '@sinclair/typebox';
import YAML from 'yaml';
import { DEFAULTS } from './defaults';
import { configKeys, valueAt, type ConfigKey } from './keys';
import { MAX_ALIAS_COUNT, MAX_NESTING } from './yaml';

/** The command that rewrites the reference; the docs test names it when the committed file is stale. */
export const CONFIG_DOC_COMMAND = 'npx tsx exporter/src/config/doc.ts';
export const CONFIG_DOC_PATH = path.resolve(__dirname, '../../../docs/configuration.md');

const PREAMBLE = `# Configuration reference

<!-- Generated from exporter/src/config/schema.ts by \`${CONFIG_DOC_COMMAND}\`: edit the schema, not this file. -->

\`ada-carbon\` reads its configuration in three layers, then validates the result once and reports **every** error with
its key path (\`ada-carbon check-config\` prints the effective config with secrets redacted, or exits 2 listing the errors):

1. built-in defaults (the \`default\` of each key in \`exporter/src/config/schema.ts\`);
2. a YAML file: \`--config FILE\`, else \`./ada-carbon.yaml\` when present;
3. environment variables: every scalar key has one, named \`ADA_CARBON_\` + the key path in upper snake case, e.g.
   \`prometheus.timeoutSeconds\` -> \`ADA_CARBON_PROMETHEUS_TIMEOUT_SECONDS\`,
   \`machines.default.busyWattsPerCpu\` -> \`ADA_CARBON_MACHINES_DEFAULT_BUSY_WATTS_PER_CPU\`.
   An empty variable counts as unset. Values are converted to the key's type: numbers as written (surrounding spaces
   ignored), booleans as \`true\`/\`false\`, \`1\`/\`0\` or \`yes\`/\`no\`; a value that does not convert is an error naming
   the variable. \`sites\`, lists and per-machine profiles other than \`default\` are set in the file only.

The file is refused as a whole (naming it) when it nests deeper than ${MAX_NESTING} levels or expands more than ${MAX_ALIAS_COUNT} YAML aliases.
File and directory paths must not contain a NUL byte; tokens (\`server.auth.adminToken\`, \`server.auth.proxyToken\`, \`server.apiToken\`, \`prometheus.bearerToken\`) must not
be blank or begin or end with whitespace.
`;

const EXAMPLE = `Example:

\`\`\`yaml
prometheus:
  url: https://prometheus.ada.example:9090
  bearerTokenFile: /run/secrets/prometheus-token
  selector: 'job="node"'
carbonIntensity:
  postcode: OX11
machines:
  default: { busyWattsPerCpu: 12, idleWattsPerCpu: 1.44, memoryWattsPerGiB: 0.3725, otherWatts: 0 }
  "Artemis (Matlab)": { busyWattsPerCpu: 14 }
pue: 1.58
\`\`\`
`;

const code = (text: string) => `\`${text}\``;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(schema: TSchema): string {
  if (schema[Kind] === 'Union') return 'enum';
  if (schema[Kind] === 'Record') return 'map';
  if (schema.type === 'array') return `list of ${typeOf(schema.items as TSchema)}s`;
  return String(schema.type);
}

function constraintsOf(schema: TSchema): string[] {
  const out: string[] = [];
  if (schema[Kind] === 'Union')
    out.push(`one of ${(schema.anyOf as TSchema[]).map((s) => String(s.const)).join(', ')}`);
  if (schema.minimum !== undefined && schema.maximum !== undefined) out.push(`${schema.minimum} to ${schema.maximum}`);
  else if (schema.minimum !== undefined) out.push(`>= ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) out.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined && schema.minimum === undefined) out.push(`<= ${schema.maximum}`);
  if (schema.multipleOf !== undefined) out.push(`a multiple of ${schema.multipleOf}`);
  if (schema.minLength !== undefined)
    out.push(`at least ${schema.minLength} character${schema.minLength === 1 ? '' : 's'}`);
  if (schema.maxLength !== undefined) out.push(`at most ${schema.maxLength} characters`);
  if (schema.pattern !== undefined) out.push(`matches ${code(String(schema.pattern))}`);
  if (schema.format === 'uri') out.push('an absolute URL');
  if (schema.filePath) out.push('a path (no NUL byte)');
  if (schema.secret) out.push('secret: redacted when printed');
  if (schema.minItems !== undefined) out.push(`at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`);
  if (schema.maxItems !== undefined) out.push(`at most ${schema.maxItems} items`);
  if (schema.uniqueItems) out.push('no repeats');
  if (schema.type === 'array' && (schema.items as TSchema).type !== 'object') {
    const each = constraintsOf(schema.items as TSchema);
    if (each.length > 0) out.push(`each ${each.join(', ')}`);
  }
  if (schema[Kind] === 'Record') {
    const keys = constraintsOf(keySchema(schema));
    if (keys.length > 0) out.push(`keys: ${keys.join(', ')}`);
  }
  return out;
}

/** TypeBox keeps a record's key rule as its pattern property; a plain string key is `^(.*)$`, any name. */
function keySchema(record: TSchema): TSchema {
  const pattern = Object.keys(record.patternProperties as Record<string, TSchema>)[0] ?? '^(.*)$';
  return (pattern === '^(.*)$' ? {} : { pattern }) as TSchema;
}

function defaultOf(key: ConfigKey): string {
  const value = valueAt(DEFAULTS, key.path);
  if (value === undefined) {
    if (typeof key.schema.docDefault === 'string') return key.schema.docDefault;
    return key.path.some((s) => s.startsWith('<')) ? '—' : 'unset';
  }
  if (typeof value === 'string') return value === '' ? code('""') : code(value);
  if (typeof value === 'number' || typeof value === 'boolean') return code(String(value));
  return code(YAML.stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trim());
}

function row(key: ConfigKey): string {
  const cells = [
    code(key.path.join('.')),
    typeOf(key.schema),
    defaultOf(key),
    key.env ? code(key.env) : 'file only',
    constraintsOf(key.schema).join('; '),
    String(key.schema.description ?? ''),
  ];
  return `| ${cells.map(cell).join(' | ')} |`;
}

/** docs/configuration.md, generated from the schema: every key with its type, default, variable and rules. */
export function configReference(): string {
  const header =
    '| key | type | default | environment variable | constraints | description |\n| --- | --- | --- | --- | --- | --- |';
  return `${PREAMBLE}\n${header}\n${configKeys().map(row).join('\n')}\n\n${EXAMPLE}`;
}

if (require.main === module) {
  const current = fs.existsSync(CONFIG_DOC_PATH) ? fs.readFileSync(CONFIG_DOC_PATH, 'utf8') : '';
  if (process.argv.includes('--check')) {
    process.stderr.write(
      current === configReference()
        ? 'docs/configuration.md is up to date\n'
        : `docs/configuration.md is stale: run ${CONFIG_DOC_COMMAND}\n`
    );
    process.exitCode = current === configReference() ? 0 : 1;
  } else {
    fs.writeFileSync(CONFIG_DOC_PATH, configReference());
    process.stderr.write(`wrote ${CONFIG_DOC_PATH}\n`);
  }
}
