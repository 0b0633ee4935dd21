// The seed's machine keys in day entries: upper snake case ("Artemis (Matlab)" -> ARTEMIS_MATLAB). Pure.

/** A name's key before collisions: ASCII letters and digits (accents folded), runs of anything else one `_`. */
export function machineKeyBase(name: string): string {
  const key = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  // a name with nothing ASCII left (e.g. all CJK or punctuation) still needs a key
  return key === '' ? 'MACHINE' : key;
}

/**
 * A key per display name, unique within the set. A key no other name shares is the name's own; names that share one
 * (e.g. "Artemis (Matlab)" and "artemis-matlab") take it in code-point order of the names, then `_2`, `_3`, ...,
 * skipping keys another name owns, so the same set of names always gets the same keys.
 */
export function machineKeys(names: Iterable<string>): Map<string, string> {
  const sorted = [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const groups = new Map<string, string[]>();
  for (const n of sorted) {
    const base = machineKeyBase(n);
    const g = groups.get(base);
    if (g) g.push(n);
    else groups.set(base, [n]);
  }
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const [base, g] of groups) {
    if (g.length === 1) {
      out.set(g[0]!, base);
      used.add(base);
    }
  }
  for (const [base, g] of groups) {
    if (g.length === 1) continue;
    let i = 1;
    for (const n of g) {
      let key = i === 1 ? base : `${base}_${i}`;
      while (used.has(key)) key = `${base}_${++i}`;
      i++;
      out.set(n, key);
      used.add(key);
    }
  }
  return out;
}
