/** Ordering and filtering of workspace views; pure. */
import { SortKey } from '../types';
import { uptimeSeconds, WorkspaceView } from './viewModel';

// One collator for all comparisons: far cheaper than localeCompare per call, and numeric so 172.16.100.9 < .10.
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

const byName = (a: WorkspaceView, b: WorkspaceView): number =>
  collator.compare(a.machine, b.machine) || collator.compare(a.host, b.host) || collator.compare(a.user, b.user);

/** Larger first; unknown (null) values go last. */
function descending(a: number | null, b: number | null): number {
  if (a === b) {
    return 0;
  }
  if (a === null) {
    return 1;
  }
  if (b === null) {
    return -1;
  }
  return b - a;
}

export function sortWorkspaces(workspaces: readonly WorkspaceView[], sortBy: SortKey, nowMs: number): WorkspaceView[] {
  const list = [...workspaces];
  switch (sortBy) {
    case 'idleWaste':
      return list.sort((a, b) => descending(a.idleJoules, b.idleJoules) || byName(a, b));
    case 'power':
      return list.sort((a, b) => descending(a.powerWatts, b.powerWatts) || byName(a, b));
    case 'uptime':
      // Longest running first is earliest boot first; nowMs only matters for the unknown ones, which go last.
      return list.sort((a, b) => descending(uptimeSeconds(a, nowMs), uptimeSeconds(b, nowMs)) || byName(a, b));
    case 'name':
      return list.sort(byName);
  }
}

/** Case-insensitive substring match on user or machine type; an empty query keeps everything. */
export function filterWorkspaces(workspaces: readonly WorkspaceView[], query: string): WorkspaceView[] {
  const q = query.trim().toLowerCase();
  if (!q) {
    return [...workspaces];
  }
  return workspaces.filter((w) => w.user.toLowerCase().includes(q) || w.machine.toLowerCase().includes(q));
}

export type IdleLevel = 'ok' | 'warning' | 'critical' | 'unknown';

export function idleLevel(idleRatio: number | null, warningRatio: number, criticalRatio: number): IdleLevel {
  if (idleRatio === null) {
    return 'unknown';
  }
  if (idleRatio >= criticalRatio) {
    return 'critical';
  }
  return idleRatio >= warningRatio ? 'warning' : 'ok';
}
