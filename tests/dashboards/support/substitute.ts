/**
 * Grafana-style variable interpolation for the tests: $name, ${name}, ${name:format} and [[name]], with the built-in
 * interval variables given values that suit a Prometheus scraping every second. Grafana's dotted globals such as
 * ${__user.login} (the signed-in user) take their value from the caller's variables under the dotted name.
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
    .replace(/\$\{([A-Za-z0-9_.]+)(?::[^}]*)?\}/g, (whole, name: string) => value(name, whole))
    .replace(/\[\[([A-Za-z0-9_]+)\]\]/g, (whole, name: string) => value(name, whole))
    .replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, name: string) => value(name, whole));
}

/** Globals Grafana defines on every dashboard (no templating entry needed). */
const isGlobal = (name: string): boolean => name in BUILTINS || /^__(user|org|dashboard)\./.test(name);

/** Variable names an expression uses (built-ins and Grafana's globals excluded). */
export function variablesIn(expr: string): string[] {
  const names = new Set<string>();
  for (const m of expr.matchAll(
    /\$\{([A-Za-z0-9_.]+)(?::[^}]*)?\}|\[\[([A-Za-z0-9_]+)\]\]|\$([A-Za-z_][A-Za-z0-9_]*)/g
  )) {
    const n = m[1] ?? m[2] ?? m[3]!;
    if (!isGlobal(n)) names.add(n);
  }
  return [...names].sort();
}
