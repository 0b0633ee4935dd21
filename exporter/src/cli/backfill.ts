import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { ConfigError, loadConfig } from '../config';
import { buildApp } from '../app';
import type { BackfillSummary } from '../history/summary';
import { parseWhen, type InvalidQuery } from '../history/report';
import { CliUsageError } from './usage';

export interface BackfillIo {
  out: (s: string) => void;
  err: (s: string) => void;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** progress bar target; a bar is drawn only when it is a TTY */
  progressStream?: NodeJS.WriteStream;
}

const day =
  (name: 'from' | 'to') =>
  (text: string): string => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw new InvalidArgumentError(`${name} must be YYYY-MM-DD`);
    try {
      parseWhen(text, name);
    } catch (err) {
      throw new InvalidArgumentError((err as InvalidQuery).message);
    }
    return text;
  };

export function summaryText(s: BackfillSummary): string {
  const f = (n: number, d = 3) => n.toFixed(d);
  return [
    `scope: ${s.scope === '*' ? 'all projects' : s.scope}`,
    `hours in range: ${s.hoursInRange} (already done: ${s.hoursSkipped})`,
    `hours estimated: ${s.hoursEstimated} (fallback intensity: ${s.hoursFallback}; sum-check off: ${s.hoursSumCheckOff}; no CPU samples: ${s.hoursWithoutSamples})`,
    `counter anomalies: ${s.counterDrops} drops re-baselined, ${s.halfHoursClamped} target-half-hours clamped to CPUs x 1,800 s`,
    `hours failed: ${s.hoursFailed}${s.hoursFailed ? ' (stored as failed; the next run retries them)' : ''}`,
    `energy: ${f(s.busyKwh + s.idleKwh)} kWh (busy ${f(s.busyKwh)}, idle ${f(s.idleKwh)})`,
    `carbon: ${f(s.busyGrams + s.idleGrams, 1)} gCO2e (busy ${f(s.busyGrams, 1)}, idle ${f(s.idleGrams, 1)})`,
    `requests: Prometheus ${s.prometheusRequests}, carbon intensity ${s.carbonRequests}; ${f(s.durationSeconds, 2)} s`,
    ...s.errors.map((e) => `error: ${e}`),
  ].join('\n');
}

/** `ada-carbon backfill --from --to [--site S | --project P]` */
export function registerBackfill(program: Command, io: BackfillIo): void {
  program
    .command('backfill')
    .description(
      'Estimate every hour of usage history in a date range (UTC days, inclusive); resumable and idempotent: hours already estimated are skipped, failed ones retried.'
    )
    .requiredOption('--from <YYYY-MM-DD>', 'first day', day('from'))
    .requiredOption('--to <YYYY-MM-DD>', 'last day (inclusive)', day('to'))
    .addOption(new Option('--site <site>', 'one configured site').conflicts('project'))
    .addOption(new Option('--project <name>', 'one cloud_project_name').conflicts('site'))
    .option('--force', 're-estimate hours already estimated')
    .option('--json', 'print the summary as JSON')
    .action(
      async (opts: { from: string; to: string; site?: string; project?: string; force?: boolean; json?: boolean }) => {
        const loaded = loadConfig({ file: program.opts<{ config?: string }>().config, env: io.env, cwd: io.cwd });
        const { config } = loaded;
        if (!config.prometheus.url)
          throw new ConfigError([
            {
              key: 'prometheus.url',
              message:
                'is required by backfill (set it or ADA_CARBON_PROMETHEUS_URL; `serve` without it prints its local Prometheus URL)',
            },
          ]);
        const from = parseWhen(opts.from, 'from');
        const to = parseWhen(opts.to, 'to');
        if (to <= from) throw new CliUsageError(`--to (${opts.to}) is before --from (${opts.from})`);
        if (from > Date.now() / 1000) throw new CliUsageError(`--from (${opts.from}) is in the future`);
        let project = opts.project;
        if (opts.site !== undefined) {
          const site = config.sites[opts.site];
          if (!site)
            throw new CliUsageError(
              `unknown site ${JSON.stringify(opts.site)}; configured sites: ${Object.keys(config.sites).join(', ')}`
            );
          project = site.project;
        }
        const app = await buildApp({ loaded });
        const stream = io.progressStream ?? process.stderr;
        const bar = stream.isTTY
          ? new SingleBar(
              { stream, format: 'backfill [{bar}] {value}/{total} hours | {eta_formatted} left', hideCursor: true },
              Presets.shades_classic
            )
          : undefined;
        let started = false;
        try {
          await app.ready();
          const s = await app.history.runner.run({
            fromSeconds: from,
            toSeconds: to,
            project,
            force: opts.force,
            onProgress: (done, total) => {
              if (!bar) return;
              if (!started) {
                bar.start(total, done);
                started = true;
              } else bar.update(done);
            },
          });
          bar?.stop();
          io.out(opts.json ? JSON.stringify(s, null, 2) : summaryText(s));
          if (s.hoursFailed > 0)
            throw new Error(`${s.hoursFailed} hour(s) failed; run the same command again to retry them`);
        } finally {
          if (started) bar?.stop();
          await app.close();
        }
      }
    );
}
