import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  adviceText,
  durationLabel,
  equivalentsOf,
  greenestWindows,
  addWorkspace,
  idleDayJoules,
  isIdle,
  projectionIntensity,
  zeroIdleTotals,
  type AreaForecast,
  type WindowAdvice,
} from '../green';
import { slotStart } from '../model/slots';
import { gramsFor, joulesToKwh } from '../model/units';
import {
  AdviceViewT,
  EquivalenciesSchema,
  ForecastSchema,
  GreenestWindowSchema,
  IdleWasteSchema,
  type IdleLevel,
} from '../schemas/green';
import type { Area } from '../sources/carbon';
import type { WorkspaceState } from '../tracking/types';
import '../plugins/types';
import { maySee } from '../plugins/auth';
import '../plugins/forecast';
import '../plugins/history';
import { settle } from '../util/settle';

const iso = (s: number): string => new Date(s * 1000).toISOString();
const isoOrNull = (s?: number): string | null => (s === undefined ? null : iso(s));

export function adviceView(a: WindowAdvice): AdviceViewT {
  const base = {
    duration: durationLabel(a.durationSeconds),
    duration_hours: a.durationSeconds / 3600,
    message: adviceText(a),
  };
  if (a.kind === 'none') {
    return {
      ...base,
      available: false,
      start: null,
      end: null,
      starts_now: false,
      mean_gCo2eq_per_kwh: null,
      now_mean_gCo2eq_per_kwh: null,
      mean_gco2_per_kwh: null,
      now_mean_gco2_per_kwh: null,
      saving_ratio: null,
      reason: a.reason,
    };
  }
  return {
    ...base,
    available: true,
    start: iso(a.startSeconds),
    end: iso(a.endSeconds),
    starts_now: a.startsNow,
    mean_gCo2eq_per_kwh: a.meanGramsPerKwh,
    now_mean_gCo2eq_per_kwh: a.nowMeanGramsPerKwh,
    mean_gco2_per_kwh: a.meanGramsPerKwh,
    now_mean_gco2_per_kwh: a.nowMeanGramsPerKwh,
    saving_ratio: a.savingRatio,
    reason: null,
  };
}

const greenRoutes: FastifyPluginAsyncTypebox = (app) =>
  settle(() => {
    const { config } = app.settings;
    const green = app.green;
    const areas = green.forecast.areaList;

    // which areas exist depends on the configuration, so this one rule stays out of the schema
    const areaOf = (asked: Area | undefined): Area => {
      if (asked === undefined) return green.forecast.ownArea;
      if (!areas.includes(asked))
        throw app.httpErrors.badRequest('the regional forecast needs carbonIntensity.postcode in the configuration');
      return asked;
    };

    const areaView = (a: AreaForecast, at: number) => {
      const first = slotStart(at);
      return {
        area: a.area,
        up: a.up,
        fetched_at: isoOrNull(a.fetchedAtSeconds),
        last_success_at: isoOrNull(a.lastSuccessSeconds),
        error: a.up ? null : (a.lastError ?? 'no successful refresh yet'),
        slots: a.slots
          .filter((s) => s.fromSeconds >= first)
          .map((s) => ({
            from: iso(s.fromSeconds),
            to: iso(s.toSeconds),
            offset_minutes: (s.fromSeconds - first) / 60,
            forecast_gCo2eq_per_kwh: s.forecast,
            forecast_gco2_per_kwh: s.forecast,
            index: s.index ?? null,
          })),
        greenest: greenestWindows(a.slots, at, green.forecast.durationsSeconds).map(adviceView),
      };
    };

    app.get('/api/v1/intensity/forecast', { schema: ForecastSchema }, async (req) => {
      const wanted = req.query.area === undefined ? undefined : areaOf(req.query.area);
      const snap = await green.forecast.current();
      const at = green.clock();
      return {
        generated_at: isoOrNull(snap.atSeconds),
        areas: snap.areas.filter((a) => wanted === undefined || a.area === wanted).map((a) => areaView(a, at)),
      };
    });

    app.get('/api/v1/greenest-window', { schema: GreenestWindowSchema }, async (req) => {
      const area = areaOf(req.query.area);
      const durations = req.query.hours === undefined ? green.forecast.durationsSeconds : [req.query.hours * 3600];
      const snap = await green.forecast.current();
      const a = snap.areas.find((x) => x.area === area);
      return {
        area,
        generated_at: isoOrNull(snap.atSeconds),
        forecast_up: a?.up ?? false,
        windows: greenestWindows(a?.slots ?? [], green.clock(), durations).map(adviceView),
      };
    });

    app.get('/api/v1/equivalencies', { schema: EquivalenciesSchema }, (req) => {
      const { grams, gramsPerKwh: given } = req.query;
      const gramsPerKwh = given ?? config.carbonIntensity.fallbackGramsPerKwh;
      return {
        grams,
        gCo2eq_per_kwh: gramsPerKwh,
        grams_per_kwh: gramsPerKwh,
        intensity_basis: given === undefined ? ('reference' as const) : ('given' as const),
        equivalents: equivalentsOf(grams, gramsPerKwh, green.equivalencies).map((e) => ({
          id: e.id,
          label: e.label,
          unit: e.unit,
          amount: e.amount,
          grams_per_unit: e.gramsPerUnit,
          source: e.source,
        })),
      };
    });

    app.get(
      '/api/v1/idle-waste',
      { schema: IdleWasteSchema, config: { perUser: 'per-user idle waste' } },
      async (req) => {
        const { level, key } = req.query;
        const showUser = (user: string) => maySee(req.identity, user);
        const snap = app.tracker.snapshot;
        const view = green.savings();
        const at = snap.generatedAtSeconds ?? green.clock();
        const { gramsPerKwh, basis } = projectionIntensity(
          green.forecast.snapshot,
          snap,
          green.forecast.ownArea,
          config.carbonIntensity.fallbackGramsPerKwh,
          at
        );
        const opts = {
          profileFor: green.profileFor,
          pue: config.pue,
          idleRatioThreshold: config.green.idleRatioThreshold,
          gramsPerKwh,
        };
        const mine = snap.workspaces.filter((w: WorkspaceState) => w[level] === key && w.status === 'active');
        const totals = zeroIdleTotals();
        for (const w of mine) addWorkspace(totals, w, opts);
        const idle = mine
          .filter((w) => isIdle(w, opts.idleRatioThreshold))
          .map((w) => {
            const j = idleDayJoules(green.profileFor(w.machine), config.pue, w.cpus, w.lastMemoryActiveBytes);
            return {
              site: w.site,
              project: w.project,
              machine: w.machine,
              machine_name: w.machine,
              host: w.host,
              user: showUser(w.user) ? w.user : null,
              cpus: w.cpus,
              idle_ratio: w.idleRatio ?? 0,
              power_watts: w.powerWatts,
              shutdown_saving_kwh_per_day: joulesToKwh(j),
              shutdown_saving_gCo2eq_per_day: gramsFor(j, gramsPerKwh),
            };
          })
          .sort((a, b) => b.shutdown_saving_kwh_per_day - a.shutdown_saving_kwh_per_day || a.host.localeCompare(b.host))
          .slice(0, 100);
        return {
          level,
          key,
          generated_at: isoOrNull(snap.generatedAtSeconds),
          idle_ratio_threshold: config.green.idleRatioThreshold,
          intensity: { area: view.area, gCo2eq_per_kwh: gramsPerKwh, grams_per_kwh: gramsPerKwh, basis },
          now: {
            workspaces: totals.workspaces,
            idle_workspaces: totals.idleWorkspaces,
            idle_power_watts: totals.idlePowerWatts,
            idle_kwh_since_start: joulesToKwh(totals.idleJoules),
            idle_gCo2eq_since_start: totals.idleGrams,
            shutdown_saving_kwh_per_day: joulesToKwh(totals.shutdownSavingJoulesPerDay),
            shutdown_saving_gCo2eq_per_day: totals.shutdownSavingGramsPerDay,
          },
          idle_workspaces: idle,
          history: await idleHistory(level, key, green.clock()),
        };
      }
    );

    /** Idle energy over the last complete day and week from the usage history, when the app has it. */
    async function idleHistory(level: IdleLevel, key: string, now: number) {
      if (!app.hasDecorator('history')) {
        return {
          available: false,
          last_day: null,
          last_week: null,
          note: 'the usage history is not enabled in this exporter',
        };
      }
      const end = Math.floor(now / 3600) * 3600;
      const period = async (hours: number) => {
        const from = end - hours * 3600;
        const buckets = await app.history.store.buckets({ level, key, fromSeconds: from, toSeconds: end }, 'year');
        const sum = (f: (b: (typeof buckets)[number]) => number) => buckets.reduce((a, b) => a + f(b), 0);
        const busy = sum((b) => b.busyJoules);
        const idle = sum((b) => b.idleJoules);
        return {
          from: iso(from),
          to: iso(end),
          busy_kwh: joulesToKwh(busy),
          idle_kwh: joulesToKwh(idle),
          busy_gCo2eq: sum((b) => b.busyGrams),
          idle_gCo2eq: sum((b) => b.idleGrams),
          idle_ratio_of_energy: busy + idle > 0 ? idle / (busy + idle) : null,
        };
      };
      try {
        return { available: true, last_day: await period(24), last_week: await period(24 * 7), note: null };
      } catch (err) {
        return {
          available: false,
          last_day: null,
          last_week: null,
          note: `usage history unavailable: ${err instanceof Error ? err.message : String(err)}`,
        };
      }
    }
  });
export default greenRoutes;
