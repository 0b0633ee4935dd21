import type { Registry } from 'prom-client';
import { workspaceStateCounter, type SnapshotSource } from './common';

export const WORKSPACE_EMISSIONS = 'ada_carbon_workspace_emissions_grams_total';

export const workspaceEmissions = (registry: Registry, source: SnapshotSource) =>
  workspaceStateCounter(registry, source, {
    name: WORKSPACE_EMISSIONS,
    help: 'Estimated emissions of the workspace since it started, in grams of CO2e, by CPU state (busy or idle), at the GB grid intensity of each cycle.',
    busy: (w) => w.busyGrams,
    idle: (w) => w.idleGrams,
  });
