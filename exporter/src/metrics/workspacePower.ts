import type { Registry } from 'prom-client';
import { workspaceGauge, type SnapshotSource } from './common';

export const WORKSPACE_POWER = 'ada_carbon_workspace_power_watts';

export const workspacePower = (registry: Registry, source: SnapshotSource) =>
  workspaceGauge(registry, source, {
    name: WORKSPACE_POWER,
    help: 'Estimated mean power of the workspace over the last tracking interval, in watts; PUE included.',
    value: (w) => w.powerWatts,
  });
