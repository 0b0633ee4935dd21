import fs from 'node:fs';
import path from 'node:path';
import { createBlocks } from '../../../tests/harness/blocks';
import type { FleetSpec } from '../../../tests/harness/fleet';
import { writeFleetOpenMetrics } from '../../../tests/harness/openmetrics';
import { startPrometheus, type RunningPrometheus } from '../../../tests/harness/prometheus';
import { tempDir } from './app';

/** A real Prometheus serving the fleet's synthetic history (OpenMetrics -> promtool blocks -> data dir). */
export async function startFleetPrometheus(spec: FleetSpec): Promise<RunningPrometheus> {
  const dir = tempDir('ada-carbon-fleet-');
  await writeFleetOpenMetrics(spec, path.join(dir, 'fleet.om'));
  await createBlocks(path.join(dir, 'fleet.om'), path.join(dir, 'blocks'));
  fs.rmSync(path.join(dir, 'fleet.om'));
  const prom = await startPrometheus({ blocksDir: path.join(dir, 'blocks') });
  return {
    ...prom,
    stop: async () => {
      await prom.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
