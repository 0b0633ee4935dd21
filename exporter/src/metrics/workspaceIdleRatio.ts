import type { Registry } from 'prom-client';
import { workspaceGauge, type SnapshotSource } from './common';

export const WORKSPACE_IDLE_RATIO = 'ada_carbon_workspace_idle_ratio';

export const workspaceIdleRatio = (registry: Registry, source: SnapshotSource) =>
  workspaceGauge(registry, source, {
    name: WORKSPACE_IDLE_RATIO,
    help: 'Share of the workspace CPU time spent idle (idle and iowait) over the last tracking interval, ratio 0-1.',
    value: (w) => w.idleRatio,
  });
