// Pure: PromQL label-matcher text (the configured selector, `job="node", mode=~"a|b"`) as the structured matchers
// remote read takes. Strings follow PromQL (Go literal rules): double or single quotes with escapes, or backticks raw.
import type { LabelMatcher, MatchOp } from './wire';

export class MatcherSyntaxError extends Error {
  constructor(text: string, at: number, what: string) {
    super(`label matchers ${JSON.stringify(text)}: ${what} at offset ${at}`);
    this.name = 'MatcherSyntaxError';
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/** Parses `name op "value"` pairs separated by commas, with or without the surrounding braces. */
export function parseMatchers(text: string): LabelMatcher[] {
  let s = text.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  const out: LabelMatcher[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new MatcherSyntaxError(text, i, what);
  };
  const space = (): void => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const hex = (digits: number): number => {
    const h = s.slice(i, i + digits);
    if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(h)) fail(`a \\x, \\u or \\U escape needs ${digits} hex digits`);
    i += digits;
    return parseInt(h, 16);
  };
  const quoted = (): string => {
    const q = s[i];
    i++;
    if (q === '`') {
      const end = s.indexOf('`', i);
      if (end < 0) fail('an unterminated raw string');
      const v = s.slice(i, end);
      i = end + 1;
      return v;
    }
    const bytes: number[] = [];
    const pushText = (t: string): void => {
      for (const b of Buffer.from(t, 'utf8')) bytes.push(b);
    };
    for (;;) {
      if (i >= s.length) fail('an unterminated string');
      const c = s[i]!;
      if (c === q) {
        i++;
        return Buffer.from(bytes).toString('utf8');
      }
      if (c === '\n') fail('a newline inside a string');
      if (c !== '\\') {
        const cp = s.codePointAt(i)!;
        const ch = String.fromCodePoint(cp);
        pushText(ch);
        i += ch.length;
        continue;
      }
      i++;
      const e = s[i++];
      if (e === undefined) fail('an escape at the end');
      else if (SIMPLE_ESCAPES[e] !== undefined) pushText(SIMPLE_ESCAPES[e]);
      else if (e === 'x') bytes.push(hex(2));
      else if (e === 'u') pushText(String.fromCodePoint(hex(4)));
      else if (e === 'U') pushText(String.fromCodePoint(hex(8)));
      else if (/[0-7]/.test(e)) {
        const o = e + s.slice(i, i + 2);
        if (!/^[0-7]{3}$/.test(o)) fail('an octal escape needs 3 digits');
        i += 2;
        bytes.push(parseInt(o, 8));
      } else fail(`an unknown escape \\${e}`);
    }
  };
  space();
  while (i < s.length) {
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(s.slice(i))?.[0];
    if (!name) fail('a label name expected');
    i += name!.length;
    space();
    const op = (['=~', '!~', '!=', '='] as MatchOp[]).find((o) => s.startsWith(o, i));
    if (!op) fail('one of =, !=, =~, !~ expected');
    i += op!.length;
    space();
    if (!['"', "'", '`'].includes(s[i] ?? '')) fail('a quoted value expected');
    out.push({ name: name!, op: op!, value: quoted() });
    space();
    if (i < s.length) {
      if (s[i] !== ',') fail('a comma expected');
      i++;
      space();
    }
  }
  return out;
}
