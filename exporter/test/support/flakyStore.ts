/** FAULT INJECTOR (test double): wraps a REAL store and fails every call while `down` is set. */
import type { WorkspaceStore } from '../../src/store/types';

export class FlakyStore implements WorkspaceStore {
  down = false;
  readonly kind;
  constructor(private readonly inner: WorkspaceStore) {
    this.kind = inner.kind;
  }
  private guard(): void {
    if (this.down) throw new Error('SQLITE_IOERR: disk I/O error (injected)');
  }
  async loadOpenWorkspaces() {
    this.guard();
    return this.inner.loadOpenWorkspaces();
  }
  async getWorkspace(id: string) {
    this.guard();
    return this.inner.getWorkspace(id);
  }
  async saveWorkspaces(s: Parameters<WorkspaceStore['saveWorkspaces']>[0]) {
    this.guard();
    return this.inner.saveWorkspaces(s);
  }
  async listWorkspaces(q?: Parameters<WorkspaceStore['listWorkspaces']>[0]) {
    this.guard();
    return this.inner.listWorkspaces(q);
  }
  async ping() {
    this.guard();
    return this.inner.ping();
  }
  async close() {
    return this.inner.close();
  }
}
