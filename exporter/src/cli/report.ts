// `ada-carbon report`: a period report for a user, project or site, from the usage history (its summary), the live
// idle view, the forecast and the equivalencies table. Gathering happens through the app's own routes.
import { CommanderError, Option, type Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app';
import type { LoadedConfig } from '../config';
import { equivalentsOf } from '../green';
import {
  REPORT_FORMATS,
  REPORT_LEVELS,
  renderReport,
  type ReportData,
  type ReportFormat,
  type ReportLevel,
} from './reportRender';

interface ReportIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** A usage error of the report (bad key, range, ...): the CLI prints it and exits 2. */
export class ReportUsageError extends Error {}

/** Gathers a report from a built app (tests call this with their own app). */
export async function gatherReport(
  app: FastifyInstance,
  q: { level: ReportLevel; key: string; from: string; to: string }
): Promise<ReportData> {
  const token = app.settings.secrets.apiToken;
  const headers = token ? { authorization: `Bearer ${token}` } : undefined;
  const qs = new URLSearchParams({ level: q.level, key: q.key, from: q.from, to: q.to }).toString();
  const res = await app.inject({ method: 'GET', url: `/api/v1/summary?${qs}`, headers });
  if (res.statusCode === 400) throw new ReportUsageError(res.json<{ message: string }>().message);
  if (res.statusCode === 404) throw new Error('this exporter has no usage history (GET /api/v1/summary is missing)');
  if (res.statusCode !== 200) throw new Error(`usage summary failed: HTTP ${res.statusCode} ${res.body}`);
  const summary = res.json<ReportData['summary']>();

  const gramsPerKwh = app.settings.config.carbonIntensity.fallbackGramsPerKwh;
  const advice = await app.inject({ method: 'GET', url: '/api/v1/greenest-window' });
  const adviceBody = advice.json<ReportData['advice']>();
  const idle = await app.inject({
    method: 'GET',
    url: `/api/v1/idle-waste?${new URLSearchParams({ level: q.level, key: q.key }).toString()}`,
    headers,
  });
  let idleNow: ReportData['idleNow'] = null;
  // a report run outside serve has no tracking snapshot: the live idle view is then unknown, not zero
  if (idle.statusCode === 200 && app.tracker.snapshot.generatedAtSeconds !== undefined) {
    const b = idle.json<{
      now: { idle_workspaces: number; shutdown_saving_kwh_per_day: number; shutdown_saving_gCo2eq_per_day: number };
      intensity: { grams_per_kwh: number; basis: string };
    }>();
    idleNow = {
      idleWorkspaces: b.now.idle_workspaces,
      savingKwhPerDay: b.now.shutdown_saving_kwh_per_day,
      savingGramsPerDay: b.now.shutdown_saving_gCo2eq_per_day,
      gramsPerKwh: b.intensity.grams_per_kwh,
      basis: b.intensity.basis,
    };
  }
  return {
    level: q.level,
    key: q.key,
    generatedAt: new Date(app.green.clock() * 1000).toISOString(),
    summary,
    equivalencies: {
      gramsPerKwh,
      items: equivalentsOf(Math.max(0, summary.total_gCo2eq), gramsPerKwh, app.green.equivalencies),
    },
    idleNow,
    advice: { area: adviceBody.area, windows: adviceBody.windows },
  };
}

/** Adds the `report` command. */
export function registerReport(program: Command, io: ReportIo, load: (file: string | undefined) => LoadedConfig): void {
  program
    .command('report')
    .description(
      'Print a period report (totals, busy/idle split, idle waste, top contributors, equivalencies, greenest-window advice, data quality) from the usage history.'
    )
    .addOption(
      new Option('--level <level>', 'what the report is about').choices([...REPORT_LEVELS]).makeOptionMandatory()
    )
    .requiredOption('--key <key>', 'the user name, project (e.g. IDAaaS) or site (e.g. isis)')
    .requiredOption('--from <when>', 'start: YYYY-MM-DD or an ISO date-time with a zone')
    .requiredOption('--to <when>', 'end: YYYY-MM-DD (that whole day) or an ISO date-time with a zone')
    .addOption(new Option('--format <format>', 'output format').choices([...REPORT_FORMATS]).default('markdown'))
    .action(async (opts: { level: ReportLevel; key: string; from: string; to: string; format: ReportFormat }) => {
      const loaded = load(program.opts().config as string | undefined);
      // the report reads the store and the carbon API only; no tracking cycle or history run queries Prometheus
      loaded.config.prometheus.url ??= 'http://127.0.0.1:9';
      const app = await buildApp({ loaded });
      try {
        await app.ready();
        await app.green.forecast.refresh();
        io.out(renderReport(await gatherReport(app, opts), opts.format).trimEnd());
      } catch (err) {
        if (!(err instanceof ReportUsageError)) throw err;
        io.err(`ada-carbon report: ${err.message}`);
        throw new CommanderError(2, 'ada-carbon.report', err.message);
      } finally {
        await app.close();
      }
    });
}
