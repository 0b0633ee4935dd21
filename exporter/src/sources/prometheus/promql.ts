// Pure PromQL text helpers shared by the tracking and history queries.

/** A PromQL double-quoted string literal of any text (quotes, backslashes, newlines, unicode). */
export function promString(value: string): string {
  return JSON.stringify(value); // JSON escapes are a subset PromQL reads the same way (Go string-literal rules)
}

/** An RE2 pattern matching exactly `value`. */
export function reExact(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Joins the configured selector (e.g. `job="node"`) with query-specific matchers into one `{...}`. */
export function matchers(selector: string, ...extra: string[]): string {
  const parts = [
    selector
      .trim()
      .replace(/^\{|\}$/g, '')
      .trim(),
    ...extra,
  ].filter((p) => p.length > 0);
  return `{${parts.join(', ')}}`;
}
