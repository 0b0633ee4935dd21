import { Counter, Gauge, type Registry } from 'prom-client';
import type { TrackingSnapshot } from '../tracking/snapshot';
import type { WorkspaceState } from '../tracking/types';

export type SnapshotSource = () => TrackingSnapshot;

export const WORKSPACE_LABELS = ['site', 'project', 'machine', 'host', 'user'] as const;
export const WORKSPACE_STATE_LABELS = [...WORKSPACE_LABELS, 'state'] as const;

export const workspaceLabels = (w: WorkspaceState) => ({
  site: w.site, project: w.project, machine: w.machine, host: w.host, user: w.user,
});

/**
 * Re-fills a metric from the snapshot only when the snapshot changed: a scrape between two cycles costs a
 * serialisation, not a rebuild. Series of workspaces that closed disappear with the reset.
 */
export function onNewSnapshot<T>(source: SnapshotSource, fill: (this: T, s: TrackingSnapshot) => void): (this: T) => void {
  let seen = -1;
  return function (this: T) {
    const s = source();
    if (s.version === seen) return;
    seen = s.version;
    fill.call(this, s);
  };
}

/** A gauge with one series per open workspace. */
export function workspaceGauge(
  registry: Registry, source: SnapshotSource,
  spec: { name: string; help: string; value: (w: WorkspaceState) => number | null | undefined },
): Gauge<(typeof WORKSPACE_LABELS)[number]> {
  return new Gauge({
    name: spec.name,
    help: spec.help,
    labelNames: WORKSPACE_LABELS,
    registers: [registry],
    collect: onNewSnapshot(source, function (this: Gauge<(typeof WORKSPACE_LABELS)[number]>, s) {
      this.reset();
      for (const w of s.workspaces) {
        const v = spec.value(w);
        if (v !== null && v !== undefined && Number.isFinite(v)) this.set(workspaceLabels(w), v);
      }
    }),
  });
}

/**
 * A counter with busy and idle series per open workspace. The values are the workspace's running totals, which only
 * grow while it lives (a new workspace, e.g. after a reboot, starts its own series).
 */
export function workspaceStateCounter(
  registry: Registry, source: SnapshotSource,
  spec: { name: string; help: string; busy: (w: WorkspaceState) => number; idle: (w: WorkspaceState) => number },
): Counter<(typeof WORKSPACE_STATE_LABELS)[number]> {
  return new Counter({
    name: spec.name,
    help: spec.help,
    labelNames: WORKSPACE_STATE_LABELS,
    registers: [registry],
    collect: onNewSnapshot(source, function (this: Counter<(typeof WORKSPACE_STATE_LABELS)[number]>, s) {
      this.reset();
      for (const w of s.workspaces) {
        const l = workspaceLabels(w);
        this.inc({ ...l, state: 'busy' }, Math.max(0, spec.busy(w)));
        this.inc({ ...l, state: 'idle' }, Math.max(0, spec.idle(w)));
      }
    }),
  });
}

/**
 * A gauge with bounded labels (site, area, status) refilled from each new snapshot; `add` accumulates, so counts
 * per site are sums and a label set added once is simply its value.
 */
export function snapshotGauge<L extends string>(
  registry: Registry, source: SnapshotSource,
  spec: {
    name: string; help: string; labelNames: readonly L[];
    fill: (s: TrackingSnapshot, add: (labels: Record<L, string>, value: number) => void) => void;
  },
): Gauge<L> {
  return new Gauge<L>({
    name: spec.name,
    help: spec.help,
    labelNames: spec.labelNames,
    registers: [registry],
    collect: onNewSnapshot(source, function (this: Gauge<L>, s) {
      this.reset();
      spec.fill(s, (labels, value) => this.inc(labels as never, value));
    }),
  });
}
