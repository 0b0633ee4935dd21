#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import YAML from 'yaml';
import { ConfigError, loadConfig, redactConfig, type LoadedConfig } from './config';
import { buildApp } from './app';
import { serve } from './server';
import { workspaceView } from './tracking/view';
import { workspaceTable } from './cli/table';
import { registerReport } from './cli/report';
import { VERSION } from './version';
import { registerBackfill } from './cli/backfill';
import { ownershipSettings } from './ownership/settings';
import { CliUsageError } from './cli/usage';

/** Exit codes: 0 success, 1 a runtime failure (e.g. Prometheus unreachable), 2 invalid configuration or usage. */
export const EXIT = { ok: 0, failure: 1, config: 2 } as const;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

function load(configFile: string | undefined, io: Io): LoadedConfig {
  return loadConfig({ file: configFile, env: io.env, cwd: io.cwd });
}

export function buildCli(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('ada-carbon')
    .description(
      'Energy and carbon accounting for Ada workspaces: tracks them from Prometheus and re-exposes the result.'
    )
    .version(VERSION)
    .addOption(new Option('-c, --config <file>', 'YAML config file (default: ./ada-carbon.yaml when present)'))
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();

  program
    .command('serve')
    .description(
      'Run the HTTP server (/metrics, /readyz, REST API) and the tracking loop. With no prometheus.url, starts a local Prometheus and node_exporter first.'
    )
    .action(async () => {
      await serve(load(program.opts<{ config?: string }>().config, io), io.out);
    });

  program
    .command('track')
    .description('Run tracking cycles and print the active workspaces.')
    .requiredOption('--once', 'run exactly one cycle and exit')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { json?: boolean }) => {
      const loaded = load(program.opts<{ config?: string }>().config, io);
      if (!loaded.config.prometheus.url) {
        throw new ConfigError([
          { key: 'prometheus.url', message: 'is required by track (serve starts a local stack instead)' },
        ]);
      }
      const app = await buildApp({ loaded });
      try {
        await app.ready();
        const snap = await app.tracker.refresh();
        const rows = snap.workspaces.map(workspaceView);
        if (opts.json) {
          io.out(
            JSON.stringify(
              { ok: snap.lastCycle?.ok ?? false, error: snap.lastCycle?.error ?? null, workspaces: rows },
              null,
              2
            )
          );
        } else if (snap.lastCycle?.ok) {
          io.out(workspaceTable(rows));
          io.out(
            `${rows.length} workspace(s); ${snap.lastCycle.queries} Prometheus request(s) in ${snap.lastCycle.durationSeconds.toFixed(2)} s`
          );
        }
        if (!snap.lastCycle?.ok) {
          io.err(`tracking cycle failed: ${snap.lastCycle?.error ?? 'unknown error'}`);
          setExit(EXIT.failure);
        }
      } finally {
        await app.close();
      }
    });

  registerBackfill(program, io);

  program
    .command('check-config')
    .description(
      'Validate the configuration and print the effective config with secrets redacted (exit 2 when invalid).'
    )
    .option('--json', 'print JSON instead of YAML')
    .action((opts: { json?: boolean }) => {
      const loaded = load(program.opts<{ config?: string }>().config, io);
      const safe = redactConfig(loaded.config);
      io.out(opts.json ? JSON.stringify(safe, null, 2) : YAML.stringify(safe).trimEnd());
      const deprecation = ownershipSettings(loaded.config).deprecation;
      if (deprecation) io.err(`warning: ${deprecation}`);
      io.err(
        `configuration is valid (file: ${loaded.file ?? 'none, defaults'}; env: ${loaded.envKeys.join(', ') || 'none'})`
      );
    });

  registerReport(program, io, (file) => load(file, io));

  return program;
}

/** Runs the CLI and resolves to its exit code (serve resolves once listening; the process then lives on). */
export async function runCli(argv: string[], io: Io): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildCli(io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help'
        ? EXIT.ok
        : EXIT.config;
    }
    if (err instanceof ConfigError) {
      io.err(err.message);
      return EXIT.config;
    }
    if (err instanceof CliUsageError) {
      io.err(`ada-carbon: ${err.message}`);
      return EXIT.config;
    }
    io.err(`ada-carbon: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.failure;
  }
}

/** The process entry: runs the CLI with the process' arguments and exits with its code (used by bin/ada-carbon.js). */
export function main(argv: string[] = process.argv.slice(2)): void {
  const io: Io = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) };
  runCli(argv, io).then(
    (code) => {
      if (code !== EXIT.ok) process.exit(code);
    },
    // runCli turns every failure into an exit code; this only catches a bug in that handling
    (err: unknown) => {
      io.err(`ada-carbon: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(EXIT.failure);
    }
  );
}

if (require.main === module) main();
