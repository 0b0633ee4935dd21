import type { Registry } from 'prom-client';
import { workspaceGauge, type SnapshotSource } from './common';

export const WORKSPACE_IDLE_POWER = 'ada_carbon_workspace_idle_power_watts';

export const workspaceIdlePower = (registry: Registry, source: SnapshotSource) =>
  workspaceGauge(registry, source, {
    name: WORKSPACE_IDLE_POWER,
    help: 'The idle part of ada_carbon_workspace_power_watts, in watts: power drawn while the CPUs were idle.',
    value: (w) => w.idlePowerWatts,
  });
