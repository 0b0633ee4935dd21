/** history.fillFromAverages around a real Prometheus: a failed hour filled, flagged, counted and later replaced. */
import type { FastifyInstance } from 'fastify';
import { testApp } from '../support/app';
import type { SummaryBody, UsageBody } from '../support/restTypes';
import { END, historyConfig, hourTruth, spec, START, startUpstreams, within, type Upstreams } from './support';
import { startHourFaultProxy, type HourFaultProxy } from './hourFaultProxy';

let up: Upstreams;
let proxy: HourFaultProxy;
const NOW = Date.now() / 1000;
const FAILED = START + 4 * 3600;

beforeAll(async () => {
  up = await startUpstreams();
  proxy = await startHourFaultProxy(up.prom.url);
}, 120000);

afterAll(async () => {
  await proxy?.close();
  await up?.stop();
});

// chunks of 2 hours one after the other: hours 0-3 are stored (so averages exist) before hour 4 fails
const appWith = (fill: boolean): Promise<FastifyInstance> =>
  testApp(historyConfig(up, { history: { hoursPerQuery: 2, parallelQueries: 1, fillFromAverages: fill } }, proxy.url));
const hourJoules = async (app: FastifyInstance, h: number) =>
  (await app.history.store.keys('project', h, h + 3600)).reduce((a, c) => a + c.busyJoules + c.idleJoules, 0);
const statusOf = async (app: FastifyInstance, h: number) =>
  (await app.history.store.hourStatuses(['*'], h, h + 3600))[0]?.status;
const summary = async (app: FastifyInstance) =>
  (await app.inject('/api/v1/summary?level=project&key=IDAaaS&from=2026-11-01&to=2026-11-01')).json<SummaryBody>();

describe('history.fillFromAverages', () => {
  it('stores a failed hour from machine averages, flagged and counted, and a later successful run replaces it', async () => {
    const app = await appWith(true);
    try {
      proxy.failHours.add(FAILED);
      const first = await app.history.runner.run({ fromSeconds: START, toSeconds: END });
      expect(first).toMatchObject({ hoursEstimated: 5, hoursFailed: 1, hoursFromMachineAverages: 1 });
      expect(await statusOf(app, FAILED)).toBe('machine_averages');
      const estimate = await hourJoules(app, FAILED);
      expect(estimate).toBeGreaterThan(0);
      const q = (await summary(app)).data_quality;
      expect(q).toMatchObject({ hours_estimated: 6, hours_failed: 0, hours_from_machine_averages: 1 });
      expect(q.sum_check.hours_checked).toBe(5); // nothing measured in the filled hour to check
      const usage = (
        await app.inject(
          '/api/v1/usage?level=project&key=IDAaaS&from=2026-11-01T00:00Z&to=2026-11-01T06:00Z&granularity=hour'
        )
      ).json<UsageBody>();
      expect(usage.series.map((r) => r.estimated_from ?? null)).toEqual([
        null,
        null,
        null,
        null,
        'machine_averages',
        null,
      ]);
      expect(usage.series[4]!.hours_from_machine_averages).toBe(1);

      // a run that fails again (that hour alone, no measured hour beside it) keeps the stored estimate as it is
      const again = await app.history.runner.run({ fromSeconds: START, toSeconds: END });
      expect(again).toMatchObject({ hoursSkipped: 5, hoursFailed: 1, hoursFromMachineAverages: 0 });
      expect(await statusOf(app, FAILED)).toBe('machine_averages');
      expect(await hourJoules(app, FAILED)).toBe(estimate);
      // the next successful run measures it
      proxy.failHours.clear();
      const second = await app.history.runner.run({ fromSeconds: START, toSeconds: END });
      expect(second).toMatchObject({ hoursSkipped: 5, hoursEstimated: 1, hoursFailed: 0, hoursFromMachineAverages: 0 });
      expect(await statusOf(app, FAILED)).toBe('ok');
      let truth = 0;
      for (const h of spec.hosts) truth += hourTruth(h, FAILED, NOW).joules;
      expect(within(await hourJoules(app, FAILED), truth)).toBe(true);
      expect((await summary(app)).data_quality.hours_from_machine_averages).toBe(0);
    } finally {
      proxy.failHours.clear();
      await app.close();
    }
  });

  it('without the setting a failed hour stays failed, with no rows', async () => {
    const app = await appWith(false);
    try {
      proxy.failHours.add(FAILED);
      const first = await app.history.runner.run({ fromSeconds: START, toSeconds: END });
      expect(first).toMatchObject({ hoursEstimated: 5, hoursFailed: 1, hoursFromMachineAverages: 0 });
      expect(await statusOf(app, FAILED)).toBe('failed');
      expect(await hourJoules(app, FAILED)).toBe(0);
      expect((await summary(app)).data_quality).toMatchObject({ hours_failed: 1, hours_from_machine_averages: 0 });
    } finally {
      proxy.failHours.clear();
      await app.close();
    }
  });
});
