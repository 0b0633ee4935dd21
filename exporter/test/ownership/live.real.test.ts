/**
 * Real parts: a real Prometheus scrapes a node_exporter stand-in labelled as Ada labels its targets (project, machine
 * and host, no user); the ownership file names the owner and experiment. The live workspace shows them, and a
 * changed file shows the new owner after a refresh.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { startFakeNodeExporter, type RunningFakeNode } from '../../../tests/harness/fakeNodeExporter';
import { startPrometheus, type RunningPrometheus } from '../../../tests/harness/prometheus';
import { startCarbonServer, type CarbonServer } from '../../../tests/harness/carbonServer';
import { parseExposition, tempDir, testApp, testConfig } from '../support/app';
import type { WorkspaceViewT } from '../../src/schemas/workspaces';

const HOST = 'host-172-16-3-7';
const ADMIN = 'admin-token-for-ownership';

let node: RunningFakeNode;
let prom: RunningPrometheus;
let carbon: CarbonServer;
let app: FastifyInstance;
let file: string;

const records = (owner: string, experiment: string) =>
  JSON.stringify([
    { hostname: 'someone-elses-vm', owner: 'zed', created_time: '2020-01-01T00:00:00Z' },
    { hostname: HOST, owner, created_time: '2020-01-01T00:00:00Z', deleted_time: null, experiment, cpu: 2 },
  ]);

beforeAll(async () => {
  node = await startFakeNodeExporter({ cpus: 2, load: 0.3 });
  [prom, carbon] = await Promise.all([
    startPrometheus({
      scrapeIntervalSeconds: 1,
      scrapeConfigs: [
        {
          job_name: 'ada-ownership',
          static_configs: [
            {
              targets: [node.address],
              labels: { cloud_project_name: 'IDAaaS', machine_name: 'Artemis (Matlab)', host: HOST },
            },
          ],
        },
      ],
    }),
    startCarbonServer(),
  ]);
  for (let deadline = Date.now() + 30000; ;) {
    const r = await prom.query('node_boot_time_seconds{job="ada-ownership"}');
    if (r.result.length > 0) break;
    if (Date.now() > deadline) throw new Error('the stand-in was not scraped in time');
    await new Promise((res) => setTimeout(res, 250));
  }
  const dir = tempDir();
  file = path.join(dir, 'owners.json');
  fs.writeFileSync(file, records('alice', 'RB2400123'));
  app = await testApp(
    testConfig(
      {
        prometheus: { url: prom.url, selector: 'job="ada-ownership"' },
        carbonIntensity: { url: carbon.url },
        ownership: { file, refreshSeconds: 1 },
        server: { auth: { adminToken: ADMIN } },
      },
      dir
    )
  );
}, 90000);

afterAll(async () => {
  await app?.close();
  await Promise.all([prom?.stop(), carbon?.stop(), node?.stop()]);
});

async function workspaces(): Promise<WorkspaceViewT[]> {
  const res = await app.inject({ url: '/api/v1/workspaces', headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.statusCode).toBe(200);
  return res.json<{ workspaces: WorkspaceViewT[] }>().workspaces;
}

describe('live owner and experiment from the ownership file (real Prometheus, Ada-like labels)', () => {
  it('the live workspace shows the owner and experiment of the record', async () => {
    const snap = await app.tracker.refresh();
    expect(snap.lastCycle?.ok).toBe(true);
    const list = await workspaces();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ host: HOST, project: 'IDAaaS', user: 'alice', experiment: 'RB2400123' });
    await app.metrics.render();
    const m = parseExposition((await app.inject('/metrics')).body);
    expect(m.get('ada_carbon_source_up{source="ownership"}')).toBe(1);
  });

  it('a changed file shows the new owner after the next scheduled refresh', async () => {
    // serve starts the schedule (ownership.refreshSeconds, 1 s here); the test starts it itself
    const refresher = app.ownership.refresher!;
    refresher.start();
    const readBefore = refresher.status.lastSuccessSeconds ?? 0;
    fs.writeFileSync(file, records('bob', 'RB2400999'));
    for (let deadline = Date.now() + 10000; (refresher.status.lastSuccessSeconds ?? 0) <= readBefore + 0.5;) {
      if (Date.now() > deadline) throw new Error('no scheduled refresh');
      await new Promise((res) => setTimeout(res, 100));
    }
    await app.tracker.refresh();
    const list = await workspaces();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ host: HOST, user: 'bob', experiment: 'RB2400999' });
  });
});
