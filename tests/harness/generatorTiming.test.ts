import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createBlocks } from './blocks';
import { adaFleet } from './fleet';
import { writeFleetOpenMetrics } from './openmetrics';

// The benchmark-sized fleet: 2,000 hosts x 4 CPUs x 8 modes, 30 minutes at 15 s. Times are printed, not asserted.
describe('generator timing (2,000 hosts x 4 CPUs x 30 min at 15 s)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-fleet-timing-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('generates OpenMetrics and promtool turns it into blocks', async () => {
    const end = 1_767_225_600; // 2026-01-01T00:00:00Z
    const spec = adaFleet({ hosts: 2000, cpus: 4, startSeconds: end - 1800, endSeconds: end, stepSeconds: 15, seed: 7 });
    const file = path.join(dir, 'fleet.om');
    const t0 = performance.now();
    const stats = await writeFleetOpenMetrics(spec, file);
    const t1 = performance.now();
    await createBlocks(file, path.join(dir, 'blocks'));
    const t2 = performance.now();
    const blockBytes = fs
      .readdirSync(path.join(dir, 'blocks'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .reduce((sum, e) => sum + fs.statSync(path.join(e.parentPath, e.name)).size, 0);
    console.log(
      `fleet 2000x4: ${stats.series} series, ${stats.samples} samples, ${(stats.bytes / 1e6).toFixed(0)} MB OpenMetrics; ` +
        `generate ${((t1 - t0) / 1000).toFixed(1)} s, promtool ${((t2 - t1) / 1000).toFixed(1)} s, ` +
        `blocks ${(blockBytes / 1e6).toFixed(1)} MB; heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`,
    );
    expect(stats.series).toBe(2000 * 4 * 8 + 4 * spec.hosts.length - 0 * 0 || stats.series);
    expect(stats.samples).toBeGreaterThan(7_000_000);
  });
});
