import type { Registry } from 'prom-client';
import { workspaceStateCounter, type SnapshotSource } from './common';

export const WORKSPACE_ENERGY = 'ada_carbon_workspace_energy_joules_total';

export const workspaceEnergy = (registry: Registry, source: SnapshotSource) =>
  workspaceStateCounter(registry, source, {
    name: WORKSPACE_ENERGY,
    help: 'Estimated energy of the workspace since it started, in joules, by CPU state (busy or idle); PUE included. Computed each tracking cycle.',
    busy: (w) => w.busyJoules,
    idle: (w) => w.idleJoules,
  });
