import type { FleetSpec } from '../../../tests/harness/fleet';
import {
  importFleet,
  startVictoriaMetrics,
  type ImportStats,
  type RunningVictoriaMetrics,
} from '../../../tests/harness/victoriaMetrics';

/** A real single-node VictoriaMetrics serving the fleet's synthetic history, imported as Prometheus text. */
export async function startFleetVictoria(spec: FleetSpec): Promise<RunningVictoriaMetrics & { imported: ImportStats }> {
  const vm = await startVictoriaMetrics();
  try {
    return { ...vm, imported: await importFleet(vm, spec) };
  } catch (err) {
    await vm.stop();
    throw err;
  }
}
