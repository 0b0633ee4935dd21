/** serve keeps history current without a cron: the plugin's loop estimates yesterday's and today's complete hours. */
import type { FastifyInstance } from 'fastify';
import { testApp } from '../support/app';
import { historyConfig, startUpstreams, type Upstreams } from './support';

let up: Upstreams;
let app: FastifyInstance | undefined;
beforeAll(async () => {
  up = await startUpstreams();
}, 120000);
afterAll(async () => {
  await app?.close();
  await up?.stop();
});

it('estimates every complete hour since yesterday 00:00 UTC on its own, once', async () => {
  app = await testApp(historyConfig(up, { history: { intervalSeconds: 10 } }), { autoStart: true });
  const now = Date.now() / 1000;
  const yesterday = Math.floor(now / 86400) * 86400 - 86400;
  const expected = Math.floor((now - 300 - 3600 - yesterday) / 3600) + 1;
  let statuses: Awaited<ReturnType<FastifyInstance['history']['store']['hourStatuses']>> = [];
  for (let i = 0; i < 60 && statuses.length < expected; i++) {
    await new Promise((r) => setTimeout(r, 250));
    statuses = await app.history.store.hourStatuses(['*'], yesterday, now);
  }
  expect(statuses.length).toBeGreaterThanOrEqual(expected - 1); // an hour may complete while the test runs
  expect(statuses.every((s) => s.status === 'ok')).toBe(true);
}, 60000);
