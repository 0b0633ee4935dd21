import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { resolveMachineProfile } from '../config';
import { machineKeys } from '../model/machineKey';
import { joulesToKwh } from '../model/units';
import { bestStatuses, countHours, figuresView, parseRange, scopesFor, sumCheck, usageSeries } from '../history/report';
import { zeroFigures, type UsageFigures } from '../history/types';
import { DaySchema, HeatmapSchema, MachinesSchema, SummarySchema, UsageSchema, type CellT } from '../schemas/usage';
import type { Contributor } from '../store/usage/types';
import '../plugins/types';
import '../plugins/auth';
import '../plugins/history';
import { settle } from '../util/settle';

const hhmm = (s: number): string => new Date(s * 1000).toISOString().slice(11, 16);

function cell(f: UsageFigures): CellT {
  return {
    busy_cpu_seconds_total: f.busyCpuSeconds,
    idle_cpu_seconds_total: f.idleCpuSeconds,
    busy_kwh: joulesToKwh(f.busyJoules),
    idle_kwh: joulesToKwh(f.idleJoules),
    busy_gCo2eq: f.busyGrams,
    idle_gCo2eq: f.idleGrams,
  };
}
function addCell(into: CellT | undefined, x: CellT): CellT {
  if (!into) return { ...x };
  for (const k of Object.keys(x) as Array<keyof CellT>) into[k] += x[k];
  return into;
}
const contributor = (c: Contributor) => {
  const v = figuresView(c);
  return {
    name: c.name,
    busy_kwh: v.busy_kwh,
    idle_kwh: v.idle_kwh,
    busy_gCo2eq: v.busy_gCo2eq,
    idle_gCo2eq: v.idle_gCo2eq,
    kwh: v.busy_kwh + v.idle_kwh,
    total_gCo2eq: v.busy_gCo2eq + v.idle_gCo2eq,
  };
};

const usageRoutes: FastifyPluginAsyncTypebox = (app) =>
  settle(() => {
    const now = (): number => Date.now() / 1000;
    // level=user answers only an identity that may read users (the auth plugin's preHandler)
    const perUser = { perUser: 'per-user usage' };

    app.get('/api/v1/usage', { schema: UsageSchema, config: perUser }, async (req) => {
      const { level } = req.query;
      const granularity = req.query.granularity ?? 'day';
      const range = parseRange(req.query.from, req.query.to, now(), granularity === 'hour' ? 366 : 3660);
      return usageSeries(app.history.store, app.settings.config, {
        level,
        key: req.query.key,
        range,
        granularity,
        now: now(),
      });
    });

    app.get('/api/v1/usage/:level/:key/days/:date', { schema: DaySchema, config: perUser }, async (req) => {
      const { level, key } = req.params;
      const range = parseRange(req.params.date, req.params.date, now());
      const store = app.history.store;
      const [rows, statuses] = await Promise.all([
        store.rows({ level, key, ...range }),
        store.hourStatuses(scopesFor(app.settings.config, level, key), range.fromSeconds, range.toSeconds),
      ]);
      const best = bestStatuses(statuses);
      // the seed's ARTEMIS_MATLAB keys; machine_keys=names keeps the display names for one minor version
      const keys = machineKeys(rows.map((r) => r.machine));
      const keyOf = (m: string): string => (req.query.machine_keys === 'names' ? m : keys.get(m)!);
      const timeseries: Record<string, Record<string, CellT> | 'failed'> = {};
      const totals: Record<string, CellT> = {};
      const projects = new Set<string>();
      for (const [h, s] of best) {
        if (s.status === 'failed') timeseries[hhmm(h)] = 'failed';
        else
          timeseries[hhmm(h)] = {
            all: cell(zeroFigures()),
          };
      }
      for (const r of rows) {
        projects.add(r.project);
        const c = cell(r);
        let hour = timeseries[hhmm(r.hourStartSeconds)];
        if (hour === undefined || hour === 'failed') hour = timeseries[hhmm(r.hourStartSeconds)] = {};
        hour.all = addCell(hour.all, c);
        const k = keyOf(r.machine);
        hour[k] = addCell(hour[k], c);
        totals.all = addCell(totals.all, c);
        totals[k] = addCell(totals[k], c);
      }
      totals.all ??= cell(zeroFigures());
      const [y, m, d] = req.params.date.split('-');
      return {
        cloud_project_name: level === 'project' ? key : projects.size === 1 ? [...projects][0]! : 'all',
        level,
        key,
        date: `${d}_${m}_${y}`,
        day: req.params.date,
        ...countHours(best, range.fromSeconds, range.toSeconds, now()),
        fallback_hours: [...best.values()].filter((s) => s.status === 'fallback').map((s) => hhmm(s.hourStartSeconds)),
        machine_names: Object.fromEntries([...keys.keys()].map((m) => [keyOf(m), m])),
        timeseries: { totals, ...timeseries },
      };
    });

    app.get('/api/v1/summary', { schema: SummarySchema, config: perUser }, async (req) => {
      const { level, key } = req.query;
      const range = parseRange(req.query.from, req.query.to, now());
      const store = app.history.store;
      const filter = { level, key, ...range };
      const series = await usageSeries(store, app.settings.config, {
        level,
        key,
        range,
        granularity: 'year',
        now: now(),
      });
      const best = bestStatuses(
        await store.hourStatuses(scopesFor(app.settings.config, level, key), range.fromSeconds, range.toSeconds)
      );
      const top = (list: Contributor[]) =>
        list
          .map(contributor)
          .sort((a, b) => b.kwh - a.kwh)
          .slice(0, 10);
      const contributors: Array<{ level: string; items: ReturnType<typeof top> }> = [];
      if (level === 'project' || level === 'site') {
        contributors.push({ level: 'machine', items: top(await store.split(filter, 'machine')) });
        const project = level === 'project' ? key : app.settings.config.sites[key]?.project;
        if (project !== undefined && req.identity.admin)
          contributors.push({
            level: 'user',
            items: top(await store.keys('user', range.fromSeconds, range.toSeconds, project)),
          });
      } else {
        contributors.push({ level: 'project', items: top(await store.split(filter, 'project')) });
        if (level !== 'machine')
          contributors.push({ level: 'machine', items: top(await store.split(filter, 'machine')) });
      }
      const t = series.totals;
      const kwh = t.busy_kwh + t.idle_kwh;
      const rows = await store.split(filter, 'project');
      return {
        level,
        key,
        from: series.from,
        to: series.to,
        totals: t,
        kwh,
        total_gCo2eq: t.busy_gCo2eq + t.idle_gCo2eq,
        busy_kwh_ratio: kwh > 0 ? t.busy_kwh / kwh : null,
        fallback_gCo2eq: rows.reduce((a, r) => a + r.fallbackGrams, 0),
        contributors,
        data_quality: {
          hours_expected: t.hours_expected,
          hours_estimated: t.hours_estimated,
          hours_failed: t.hours_failed,
          hours_fallback: t.hours_fallback,
          hours_from_machine_averages: t.hours_from_machine_averages ?? 0,
          hours_missing: t.hours_expected - t.hours_estimated - t.hours_failed,
          sum_check: sumCheck(best),
        },
      };
    });

    app.get('/api/v1/heatmap', { schema: HeatmapSchema, config: perUser }, async (req) => {
      const { level, year, key } = req.query;
      const range = { fromSeconds: Date.UTC(year, 0, 1) / 1000, toSeconds: Date.UTC(year + 1, 0, 1) / 1000 };
      if (range.fromSeconds > now()) throw app.httpErrors.badRequest(`year ${year} is in the future`);
      const series = await usageSeries(app.history.store, app.settings.config, {
        level,
        key,
        range,
        granularity: 'day',
        now: now(),
      });
      return {
        level,
        key,
        year,
        days: series.series.map((s) => ({
          date: s.time.slice(0, 10),
          kwh: s.busy_kwh + s.idle_kwh,
          total_gCo2eq: s.busy_gCo2eq + s.idle_gCo2eq,
          busy_kwh: s.busy_kwh,
          idle_kwh: s.idle_kwh,
          hours_estimated: s.hours_estimated,
          hours_failed: s.hours_failed,
        })),
      };
    });

    app.get('/api/v1/machines', { schema: MachinesSchema }, async () => {
      const { config } = app.settings;
      const stored = new Map((await app.history.machineMetrics.list()).map((m) => [m.machine_name, m]));
      const names = new Set([...Object.keys(config.machines).filter((n) => n !== 'default'), ...stored.keys()]);
      const zero = {
        energy_kwh: { busy: { average: 0 }, idle: { average: 0 } },
        carbon_gCo2eq: { busy: { average: 0 }, idle: { average: 0 } },
      };
      return {
        pue: config.pue,
        machines: [...names].sort().map((name) => {
          const m = stored.get(name);
          return {
            machine_name: name,
            workspace_days: m?.workspace_days ?? 0,
            metrics: m?.metrics ?? zero,
            updated_at: m?.updated_at ?? null,
            profile: resolveMachineProfile(config, name),
          };
        }),
      };
    });
  });
export default usageRoutes;
