import Table from 'cli-table3';
import type { WorkspaceView } from '../tracking/view';

const fmt = (n: number, digits: number): string => n.toFixed(digits);

// Borderless and uncoloured: the output is read in terminals, pasted into mail and grepped.
const PLAIN = {
  chars: {
    top: '',
    'top-mid': '',
    'top-left': '',
    'top-right': '',
    bottom: '',
    'bottom-mid': '',
    'bottom-left': '',
    'bottom-right': '',
    left: '',
    'left-mid': '',
    mid: '',
    'mid-mid': '',
    right: '',
    'right-mid': '',
    middle: '  ',
  },
  style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
};

/** Plain-text table of workspaces for the terminal. */
export function workspaceTable(rows: WorkspaceView[]): string {
  const table = new Table({
    ...PLAIN,
    head: ['site', 'project', 'machine', 'host', 'user', 'cpus', 'watts', 'idle', 'busy kWh', 'idle kWh', 'gCO2e'],
  });
  for (const w of rows) {
    table.push([
      w.site,
      w.project,
      w.machine,
      w.host,
      w.user,
      String(w.cpus),
      fmt(w.power_watts, 1),
      w.idle_ratio === null ? '-' : `${Math.round(w.idle_ratio * 100)}%`,
      fmt(w.busy_kwh, 4),
      fmt(w.idle_kwh, 4),
      fmt(w.busy_gCo2eq + w.idle_gCo2eq, 1),
    ]);
  }
  return table
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}
