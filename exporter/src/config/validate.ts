import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { keyOf, type ConfigIssue } from './issues';
import { ConfigSchema, LOG_FORMATS, LOG_LEVELS } from './schema';

/** The keys whose value is one of a list, and the list (the schema's unions of literals). */
const CHOICES: Record<string, readonly string[]> = { logLevel: LOG_LEVELS, logFormat: LOG_FORMATS };

const ajv = new Ajv({ allErrors: true, strict: true, useDefaults: false });
addFormats(ajv);
// annotations read by the env table, redaction and the reference generator
ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
for (const keyword of ['envEntry', 'docEntry', 'docDefault']) ajv.addKeyword({ keyword, schemaType: 'string' });
// a NUL byte in a file path makes every fs call throw; refuse it here, on its key, instead of crashing later
ajv.addKeyword({
  keyword: 'filePath',
  type: 'string',
  schemaType: 'boolean',
  validate: (on: boolean, data: string) => !on || !data.includes('\u0000'),
  error: { message: 'must not contain a NUL byte' },
});
const validate = ajv.compile(ConfigSchema);

function ajvIssue(e: ErrorObject, origins: Map<string, string>): ConfigIssue {
  const base = keyOf(e.instancePath);
  let key = base.join('.');
  let message = e.message ?? 'is invalid';
  if (e.keyword === 'additionalProperties') {
    key = [...base, String(e.params.additionalProperty)].join('.');
    message = 'unknown key';
  } else if (e.keyword === 'required') {
    key = [...base, String(e.params.missingProperty)].join('.');
    message = 'is required';
  } else if (e.keyword === 'format' && e.params.format === 'uri') {
    message = 'must be an absolute URL such as http://host:9090';
  } else if (e.keyword === 'anyOf' || e.keyword === 'const') {
    const allowed = CHOICES[key];
    message = allowed ? `must be one of ${allowed.join(', ')}` : 'is not one of the allowed values';
  }
  return { key, message, origin: origins.get(key) };
}

/** Every schema error of the merged config, each on its key path (and naming its env variable when it came from one). */
export function schemaIssues(merged: unknown, origins: Map<string, string>): ConfigIssue[] {
  return validate(merged) ? [] : (validate.errors ?? []).map((e) => ajvIssue(e, origins));
}
