import type { Registry } from 'prom-client';
import { workspaceGauge, type SnapshotSource } from './common';

export const WORKSPACE_CPUS = 'ada_carbon_workspace_cpus';

export const workspaceCpus = (registry: Registry, source: SnapshotSource) =>
  workspaceGauge(registry, source, {
    name: WORKSPACE_CPUS,
    help: 'Number of vCPUs of the workspace.',
    value: (w) => w.cpus,
  });
