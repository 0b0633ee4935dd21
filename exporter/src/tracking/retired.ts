import { runtimeSecondsOf, type WorkspaceState } from './types';

/** Running totals of the workspaces of one site and project that closed while this process ran. */
export interface ProjectTotals {
  site: string;
  project: string;
  busyJoules: number;
  idleJoules: number;
  busyGrams: number;
  idleGrams: number;
  runtimeSeconds: number;
}

/** Closed workspaces remembered by id, so that one reopened (same boot) leaves the totals again; oldest forgotten. */
const MAX_REMEMBERED = 100_000;

const projectKey = (s: Pick<WorkspaceState, 'site' | 'project'>): string => `${s.site}\u0000${s.project}`;

/**
 * What the workspaces closed since start had reached, per site and project: per-project counters are the open
 * workspaces' totals plus these, so they never go down when a workspace closes.
 */
export class RetiredTotals {
  private readonly byProject = new Map<string, ProjectTotals>();
  private readonly closed = new Map<string, WorkspaceState>();

  add(s: WorkspaceState): void {
    if (this.closed.has(s.id)) return;
    this.apply(s, 1);
    this.closed.set(s.id, s);
    if (this.closed.size > MAX_REMEMBERED) this.closed.delete(this.closed.keys().next().value!);
  }

  /** A closed workspace that shows up again: its totals go back to the open ones. */
  reopen(id: string): void {
    const s = this.closed.get(id);
    if (!s) return;
    this.closed.delete(id);
    this.apply(s, -1);
  }

  /** The totals now, a fresh array (the snapshot's, immutable for readers). */
  totals(): readonly ProjectTotals[] {
    return [...this.byProject.values()].map((t) => ({ ...t }));
  }

  private apply(s: WorkspaceState, sign: 1 | -1): void {
    const k = projectKey(s);
    let t = this.byProject.get(k);
    if (!t) {
      t = {
        site: s.site,
        project: s.project,
        busyJoules: 0,
        idleJoules: 0,
        busyGrams: 0,
        idleGrams: 0,
        runtimeSeconds: 0,
      };
      this.byProject.set(k, t);
    }
    t.busyJoules += sign * s.busyJoules;
    t.idleJoules += sign * s.idleJoules;
    t.busyGrams += sign * s.busyGrams;
    t.idleGrams += sign * s.idleGrams;
    t.runtimeSeconds += sign * runtimeSecondsOf(s);
  }
}
