import type { Registry } from 'prom-client';
import { workspaceGauge, type SnapshotSource } from './common';

export const WORKSPACE_STARTED = 'ada_carbon_workspace_started_timestamp_seconds';

export const workspaceStarted = (registry: Registry, source: SnapshotSource) =>
  workspaceGauge(registry, source, {
    name: WORKSPACE_STARTED,
    help: 'Unix time in seconds at which the workspace VM booted (node_boot_time_seconds).',
    value: (w) => w.startedAtSeconds,
  });
