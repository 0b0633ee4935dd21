// Request validation messages. A query or path schema may carry `errorMessage` (a string, or one per failing keyword);
// `{value}` in it is replaced by the value given, quoted, so a 400 names the parameter and says what is accepted.
import type { Options } from 'ajv';
import type { FastifySchemaValidationError, SchemaErrorDataVar } from 'fastify/types/schema';

type Messages = string | Record<string, string>;
interface VerboseError extends FastifySchemaValidationError {
  parentSchema?: { errorMessage?: Messages };
  data?: unknown;
}

/** Combinators whose own error only restates their branches' errors. */
const COMBINATORS = new Set(['anyOf', 'oneOf', 'allOf', 'if', 'not']);

/** The ajv options the app compiles request schemas with. */
export const AJV_OPTIONS: Options = {
  // reject unknown query parameters instead of silently dropping them
  removeAdditional: false,
  coerceTypes: 'array',
  allErrors: true,
  // the failing schema and value, for errorMessage
  verbose: true,
  keywords: [{ keyword: 'errorMessage', schemaType: ['string', 'object'] }],
};

function custom(e: VerboseError): string | undefined {
  const m = e.parentSchema?.errorMessage;
  const text = typeof m === 'string' ? m : m?.[e.keyword];
  if (text === undefined) return undefined;
  const data: unknown = e.data;
  const primitive =
    typeof data === 'string' ||
    typeof data === 'number' ||
    typeof data === 'boolean' ||
    typeof data === 'bigint' ||
    data === undefined;
  const given = primitive ? String(data) : JSON.stringify(data);
  return text.replaceAll('{value}', JSON.stringify(given));
}

/** One message per failing parameter: its errorMessage when it has one, else ajv's text prefixed with where. */
export function schemaErrorFormatter(errors: FastifySchemaValidationError[], dataVar: SchemaErrorDataVar): Error {
  const byPath = new Map<string, VerboseError[]>();
  for (const e of errors as VerboseError[]) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  const out: string[] = [];
  for (const list of byPath.values()) {
    const own = list
      .filter((e) => !COMBINATORS.has(e.keyword))
      .map(custom)
      .find((m) => m !== undefined);
    const message = own ?? list.map(custom).find((m) => m !== undefined);
    if (message !== undefined) out.push(message);
    else out.push(...list.map((e) => `${dataVar}${e.instancePath} ${e.message ?? 'is invalid'}`));
  }
  return new Error([...new Set(out)].join(', '));
}
