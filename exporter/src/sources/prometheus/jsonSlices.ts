// JSON.parse of an answer of many megabytes holds the event loop for tens of milliseconds. A Prometheus answer is a
// small envelope around one big `result` array: its elements are found with a scan that yields now and then, and
// parsed a group at a time. The scan first jumps from element to element with indexOf (Prometheus and VictoriaMetrics
// write `,{"metric":` between them), and walks the characters only for what is left.
import type { Steps } from '../../tracking/slices';

/** Below this many characters an answer is parsed at once. */
export const SLICED_PARSE_MIN_CHARS = 256 * 1024;
/** Elements of `result` parsed by one JSON.parse. */
const ELEMENTS_PER_PARSE = 250;
/** Characters scanned between two yields. */
const CHARS_PER_STEP = 64 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const RESULT_KEY = '"result":[';
/**
 * What stands between two elements of a compact answer. It cannot occur inside a JSON string (a quote there is
 * escaped); where it occurs inside an element (another shape), the group cut there is not valid JSON, and the whole
 * text is parsed at once.
 */
const SEPARATOR = ',{"metric":';
const MARKER = 'ada-carbon: result parsed apart';

/** Index just past the string that opens at `start` (a quote), or -1 when it never closes. */
function stringEnd(text: string, start: number): number {
  let j = start + 1;
  for (;;) {
    j = text.indexOf('"', j);
    if (j < 0) return -1;
    let backslashes = 0;
    for (let b = j - 1; text.charCodeAt(b) === BACKSLASH; b--) backslashes++;
    if (backslashes % 2 === 0) return j + 1;
    j++;
  }
}

/**
 * The body of a JSON answer, as JSON.parse gives it, in steps. Where the text is not the expected shape (no
 * `"data":{..."result":[` array, or malformed) it falls back to one JSON.parse, whose error the caller then sees.
 */
export function* parseJsonSteps(text: string): Steps<unknown> {
  const at = text.length >= SLICED_PARSE_MIN_CHARS ? text.indexOf(RESULT_KEY) : -1;
  if (at < 0) return JSON.parse(text) as unknown;
  const open = at + RESULT_KEY.length - 1;
  const elements: unknown[] = [];
  let depth = 0;
  let from = open + 1;
  let count = 0;
  const flush = (to: number): void => {
    const part = text.slice(from, to).trim();
    if (part !== '') for (const e of JSON.parse(`[${part}]`) as unknown[]) elements.push(e);
    count = 0;
  };
  // fast path: a group ends at every ELEMENTS_PER_PARSE-th separator; a group that does not parse was cut inside
  // an element, so the shape is not the expected one
  for (let j = text.indexOf(SEPARATOR, from); j >= 0; j = text.indexOf(SEPARATOR, j + 1)) {
    if (++count < ELEMENTS_PER_PARSE) continue;
    try {
      flush(j);
    } catch {
      return JSON.parse(text) as unknown;
    }
    from = j + 1;
    yield;
  }
  count = 0;
  let nextYield = from + CHARS_PER_STEP;
  let i = from;
  for (;;) {
    if (i >= text.length) return JSON.parse(text) as unknown;
    if (i >= nextYield) {
      nextYield = i + CHARS_PER_STEP;
      yield;
    }
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
      if (i < 0) return JSON.parse(text) as unknown;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 0) break;
      depth--;
    } else if (c === COMMA && depth === 0 && ++count === ELEMENTS_PER_PARSE) {
      flush(i);
      from = i + 1;
      yield;
    }
    i++;
  }
  flush(i);
  // the array found stands in the envelope as a marker: unless the marker sits at data.result (the key found was
  // another object's), the whole text is parsed the ordinary way
  const body = JSON.parse(`${text.slice(0, open)}"${MARKER}"${text.slice(i + 1)}`) as { data?: { result?: unknown } };
  if (typeof body !== 'object' || body === null || body.data?.result !== MARKER) return JSON.parse(text) as unknown;
  body.data.result = elements;
  return body;
}
