/**
 * Writes fixtures/exporter-metrics.prom: the REAL /metrics output of the ada-carbon exporter app for the isis site.
 * Same set-up as exporter/test/integration/fleet.test.ts: a synthetic fleet loaded into a real Prometheus (promtool
 * blocks), the carbon-intensity replay server, tracking cycles at past instants through the injectable clock, then the
 * 48 h forecast refreshed (national and, with a postcode, regional) so the greener-choices metrics are there.
 * The fleet ends at the last half-hour before now, so the recorded start times and forecast are recent.
 *
 *   npx tsx grafana-plugin/browser/make-fixture.ts   (from the repository root)
 */
import fs from 'node:fs';
import path from 'node:path';

import { startCarbonServer } from '../../tests/harness/carbonServer';
import type { FleetHost, FleetSpec } from '../../tests/harness/fleet';
import { startFleetPrometheus } from '../../exporter/test/support/fleetPrometheus';
import { testApp, testConfig } from '../../exporter/test/support/app';
import { promtoolCheckMetrics } from '../../exporter/test/support/promtool';

const OUT = path.join(__dirname, 'fixtures', 'exporter-metrics.prom');
const GiB = 1024 ** 3;
const END = Math.floor(Date.now() / 1000 / 1800) * 1800;
const START = END - 3 * 3600;

const shares = (busy: number) => ({
  user: busy * 0.7,
  system: busy * 0.2,
  softirq: busy * 0.05,
  nice: busy * 0.05,
  idle: (1 - busy) * 0.9,
  iowait: (1 - busy) * 0.08,
  steal: (1 - busy) * 0.02,
  irq: 0,
});
const MACHINES: Array<[string, number]> = [
  ['Muon', 4],
  ['SANS', 4],
  ['Artemis (Matlab)', 8],
  ['Tomography (GPU)', 16],
  ['Excitations', 8],
  ['Reflectometry', 4],
];
const OWNERS = ['abc12345', 'jsmith', 'r.patel', 'wkowalski', 'lchen', 'mgarcia'];
// busy share per host: a mix of idle-all-day, light and heavy users
const BUSY = [0.02, 0.6, 0.3, 0.05, 0.9, 0.12, 0.45, 0.0, 0.75, 0.2, 0.08, 0.5];

const hosts: FleetHost[] = BUSY.map((busy, i) => {
  const [machine, cpus] = MACHINES[i % MACHINES.length]!;
  return {
    instance: `host-172-16-0-${i + 2}.nubes.example:9100`,
    labels: {
      cloud_project_name: 'IDAaaS',
      machine_name: machine,
      host: `172.16.0.${i + 2}`,
      owner: OWNERS[i % OWNERS.length]!,
    },
    cpus,
    modeShares: shares(busy),
    memTotalBytes: 16 * GiB,
    memActiveBytes: (1 + (i % 5)) * GiB,
    // uptimes from 4 h to several days; the last one booted during the recorded window
    bootTimeSeconds: i === BUSY.length - 1 ? END - 1500 : START - 3600 * (1 + ((i * 37) % 150)),
  };
});

const spec: FleetSpec = { startSeconds: START, endSeconds: END, stepSeconds: 15, hosts };

async function main(): Promise<void> {
  let clock = START;
  const [prom, carbon] = await Promise.all([startFleetPrometheus(spec), startCarbonServer({ now: () => clock })]);
  const app = await testApp(
    testConfig({
      prometheus: { url: prom.url, retries: 0, timeoutSeconds: 10 },
      carbonIntensity: { url: carbon.url, cacheSeconds: 0, postcode: 'OX11' },
      labels: { project: 'cloud_project_name', machine: 'machine_name', host: 'host', user: 'owner' },
      machines: {
        default: { busyWattsPerCpu: 12, idleWattsPerCpu: 1.5, memoryWattsPerGiB: 0.4, otherWatts: 5 },
        'Tomography (GPU)': { busyWattsPerCpu: 14, idleWattsPerCpu: 2 },
      },
      pue: 1.2,
      tracking: { intervalSeconds: 60, closeAfterSeconds: 600 },
    }),
    { clock: () => clock }
  );
  try {
    for (let t = START + 1800; t <= END; t += 300) {
      clock = t;
      const snap = await app.tracker.refresh(t);
      if (!snap.lastCycle?.ok) {
        throw new Error(`tracking cycle at ${new Date(t * 1000).toISOString()} failed`);
      }
    }
    await app.green.forecast.refresh();
    const res = await app.inject('/metrics');
    if (res.statusCode !== 200) {
      throw new Error(`/metrics answered ${res.statusCode}`);
    }
    const complaints = promtoolCheckMetrics(res.body);
    if (complaints) {
      throw new Error(`promtool check metrics: ${complaints}`);
    }
    fs.writeFileSync(OUT, res.body);
    process.stdout.write(
      `wrote ${OUT}: ${res.body.split('\n').length} lines, recorded at ${new Date(END * 1000).toISOString()}\n`
    );
  } finally {
    await app.close();
    await Promise.all([prom.stop(), carbon.stop()]);
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
