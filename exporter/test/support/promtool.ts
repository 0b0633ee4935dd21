import { spawnSync } from 'node:child_process';

/** Runs `promtool check metrics` on exposition text; returns its complaints (empty when clean). */
export function promtoolCheckMetrics(text: string): string {
  const r = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error) throw r.error;
  return `${r.stdout}${r.stderr}`.trim() + (r.status === 0 ? '' : `\n(exit ${r.status})`);
}
