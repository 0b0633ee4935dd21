import type { WorkspaceViewT } from '../schemas/workspaces';

const fmt = (n: number, digits: number): string => n.toFixed(digits);

/** Plain-text table of workspaces for the terminal. */
export function workspaceTable(rows: WorkspaceViewT[]): string {
  const head = ['site', 'project', 'machine', 'host', 'user', 'cpus', 'watts', 'idle', 'busy kWh', 'idle kWh', 'gCO2e'];
  const body = rows.map((w) => [
    w.site, w.project, w.machine, w.host, w.user, String(w.cpus), fmt(w.power_watts, 1),
    w.idle_ratio === null ? '-' : `${Math.round(w.idle_ratio * 100)}%`,
    fmt(w.busy_kwh, 4), fmt(w.idle_kwh, 4), fmt(w.busy_gco2e + w.idle_gco2e, 1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(head), ...body.map(line)].join('\n');
}
