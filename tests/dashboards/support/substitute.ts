/**
 * Grafana-style variable interpolation for the tests: $name, ${name}, ${name:format} and [[name]], with the built-in
 * interval variables given values that suit a Prometheus scraping every second.
 */
export const BUILTINS: Record<string, string> = {
  __range: '10m',
  __range_s: '600',
  __range_ms: '600000',
  __interval: '5s',
  __interval_ms: '5000',
  __rate_interval: '20s',
};

export function substitute(expr: string, vars: Record<string, string>): string {
  const all = { ...BUILTINS, ...vars };
  const value = (name: string, whole: string): string => {
    const v = all[name];
    if (v === undefined) throw new Error(`no value for variable ${name} in ${JSON.stringify(expr)} (at ${whole})`);
    return v;
  };
  return expr
    .replace(/\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}/g, (whole, name: string) => value(name, whole))
    .replace(/\[\[([A-Za-z0-9_]+)\]\]/g, (whole, name: string) => value(name, whole))
    .replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, name: string) => value(name, whole));
}

/** Variable names an expression uses (built-ins excluded). */
export function variablesIn(expr: string): string[] {
  const names = new Set<string>();
  for (const m of expr.matchAll(
    /\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\[\[([A-Za-z0-9_]+)\]\]|\$([A-Za-z_][A-Za-z0-9_]*)/g
  )) {
    const n = m[1] ?? m[2] ?? m[3]!;
    if (!(n in BUILTINS)) names.add(n);
  }
  return [...names].sort();
}
