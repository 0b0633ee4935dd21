import type { WorkspaceState, WorkspaceStatus } from '../tracking/types';

export interface WorkspaceQuery {
  status?: WorkspaceStatus[];
  site?: string;
}

/** Persistence of tracking state. Every method may reject; callers mark the store source down and retry later. */
export interface WorkspaceStore {
  readonly kind: 'sqlite' | 'mongodb';
  loadOpenWorkspaces(): Promise<WorkspaceState[]>;
  getWorkspace(id: string): Promise<WorkspaceState | undefined>;
  /** Upserts whole states (totals are cumulative, so writing the latest state later loses nothing). */
  saveWorkspaces(states: readonly WorkspaceState[]): Promise<void>;
  listWorkspaces(query?: WorkspaceQuery): Promise<WorkspaceState[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
