// Machine averages (the seed's MachineMetrics), computed from history and kept beside it in the store.
import type { DerivedStore } from '../store/usage/derived';
import type { MachineAverage } from '../store/usage/types';

export interface MachineMetricsDoc {
  machine_name: string;
  workspace_days: number;
  metrics: {
    energy_kwh: { busy: { average: number }; idle: { average: number } };
    carbon_gCo2eq: { busy: { average: number }; idle: { average: number } };
  };
  updated_at: string;
}

export class MachineMetricsTable {
  constructor(private readonly store: DerivedStore) {}

  /** Replaces every machine's averages with fresh ones. */
  save(list: readonly MachineAverage[], nowSeconds = Date.now() / 1000): Promise<void> {
    return this.store.replaceMachineMetrics(
      list.map((m) => ({
        machine: m.machine,
        workspaceDays: m.workspaceDays,
        busyKwh: m.busyKwhPerWorkspaceDay,
        idleKwh: m.idleKwhPerWorkspaceDay,
        busyGrams: m.busyGramsPerWorkspaceDay,
        idleGrams: m.idleGramsPerWorkspaceDay,
        updatedAtSeconds: nowSeconds,
      }))
    );
  }

  /** The seed's document shape, by machine name. */
  async list(): Promise<MachineMetricsDoc[]> {
    return (await this.store.machineMetrics()).map((r) => ({
      machine_name: r.machine,
      workspace_days: r.workspaceDays,
      metrics: {
        energy_kwh: { busy: { average: r.busyKwh }, idle: { average: r.idleKwh } },
        carbon_gCo2eq: { busy: { average: r.busyGrams }, idle: { average: r.idleGrams } },
      },
      updated_at: new Date(r.updatedAtSeconds * 1000).toISOString(),
    }));
  }
}
