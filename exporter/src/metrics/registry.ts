import { Registry } from 'prom-client';
import type { CycleStats } from '../tracking/snapshot';
import type { SnapshotSource } from './common';
import { buildInfo } from './buildInfo';
import { fallbackEmissions } from './fallbackEmissions';
import { gridIntensity } from './gridIntensity';
import { gridIntensityFallback } from './gridIntensityFallback';
import { sourceMetrics } from './sources';
import { trackingMetrics } from './tracking';
import { workspaceCpus } from './workspaceCpus';
import { workspaceEmissions } from './workspaceEmissions';
import { workspaceEnergy } from './workspaceEnergy';
import { workspaceIdlePower } from './workspaceIdlePower';
import { workspaceIdleRatio } from './workspaceIdleRatio';
import { workspacePower } from './workspacePower';
import { workspaces } from './workspaces';
import { workspacesPartial } from './workspacesPartial';
import { workspaceStarted } from './workspaceStarted';

export interface ExporterMetrics {
  registry: Registry;
  /** hand every finished tracking cycle to this */
  onCycle: (c: CycleStats) => void;
}

/** The exporter's own registry (no prom-client default process metrics: they fail `promtool check metrics`). */
export function createMetrics(source: SnapshotSource, version: string): ExporterMetrics {
  const registry = new Registry();
  workspaceEnergy(registry, source);
  workspaceEmissions(registry, source);
  workspacePower(registry, source);
  workspaceIdlePower(registry, source);
  workspaceIdleRatio(registry, source);
  workspaceCpus(registry, source);
  workspaceStarted(registry, source);
  workspaces(registry, source);
  workspacesPartial(registry, source);
  fallbackEmissions(registry, source);
  gridIntensity(registry, source);
  gridIntensityFallback(registry, source);
  sourceMetrics(registry, source);
  buildInfo(registry, version);
  return { registry, onCycle: trackingMetrics(registry) };
}
