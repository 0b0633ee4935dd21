import YAML, { Lexer, Parser } from 'yaml';

/** Deeper than any real config (the deepest key is four levels down); far below what recursion could not handle. */
export const MAX_NESTING = 32;
/** Aliases the file may expand (yaml counts each expansion by the aliases inside it), so a billion-laughs file stops early. */
export const MAX_ALIAS_COUNT = 50;

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/**
 * Nesting depth of the YAML collections, measured on the parser's own (explicit) stack token by token, so a hostile
 * file is refused before the recursive composer ever sees it. Stops counting once past `limit`.
 */
function exceedsNesting(text: string, limit: number): boolean {
  const parser = new Parser();
  for (const lexeme of new Lexer().lex(text)) {
    for (const _ of parser.next(lexeme)) {
      /* only the stack depth matters here */
    }
    let depth = 0;
    for (const token of parser.stack) if (COLLECTIONS.has(token.type)) depth += 1;
    if (depth > limit) return true;
  }
  return false;
}

/** Depth of a plain JS value, walked with an explicit stack (aliases can nest shared values deeper than the text). */
function jsDepthExceeds(value: unknown, limit: number): boolean {
  const todo: Array<[unknown, number]> = [[value, 0]];
  while (todo.length > 0) {
    const [v, d] = todo.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (d + 1 > limit) return true;
    for (const child of Object.values(v)) todo.push([child, d + 1]);
  }
  return false;
}

/** The file's value, or every reason it cannot be read as YAML (each one line). */
export function parseConfigYaml(text: string): { value: unknown } | { errors: string[] } {
  const tooDeep = `nesting deeper than ${MAX_NESTING} levels`;
  if (exceedsNesting(text, MAX_NESTING)) return { errors: [tooDeep] };
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) return { errors: doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`) };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError && /alias count/i.test(err.message)) {
      return { errors: [`too many alias expansions (more than ${MAX_ALIAS_COUNT})`] };
    }
    if (err instanceof RangeError) return { errors: [tooDeep] };
    return { errors: [`YAML: ${(err as Error).message.split('\n')[0]}`] };
  }
  if (jsDepthExceeds(value, MAX_NESTING)) return { errors: [`${tooDeep} once its aliases are expanded`] };
  return { value };
}
