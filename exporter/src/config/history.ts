// The history section of the config schema (backfill and the serve loop's hourly estimates).
import { Type } from '@sinclair/typebox';
import { section } from './section';

export const HistorySchema = section({
  enabled: Type.Boolean({
    default: true,
    description:
      "`serve` estimates each hour once it is complete (and re-tries yesterday's failed or fallback hours), " +
      'no cron needed.',
  }),
  hoursPerQuery: Type.Integer({
    minimum: 1,
    maximum: 5499,
    default: 168,
    description:
      "Hours covered by one Prometheus range query (30-min step; at most 5,499 within Prometheus' 11,000 " +
      'points per series).',
  }),
  targetHoursInFlight: Type.Integer({
    minimum: 1,
    maximum: 100_000_000,
    default: 48_000,
    description:
      'Budget of target-hours (hosts x hours) whose Prometheus answers the backfill decodes at once, shared by ' +
      "the parallelQueries chunks in flight. A fleet within a chunk's share is read whole, in chunks of share / " +
      'targets hours (at most hoursPerQuery); a larger fleet keeps 24-hour chunks and reads each one a host set ' +
      '(share / 24 targets) at a time; chunks shorten (to 1 hour at least) only where targets x 24 exceeds 4 shares. ' +
      'Peak memory follows this budget, not the fleet size or date range.',
  }),
  parallelQueries: Type.Integer({
    minimum: 1,
    maximum: 16,
    default: 2,
    description: 'Range queries in flight at once (Prometheus evaluates each on its own core).',
  }),
  remoteRead: Type.Union([Type.Literal('off'), Type.Literal('on')], {
    default: 'off',
    description:
      "`on`: the backfill reads the raw CPU counters by Prometheus' remote read (/api/v1/read, streamed chunks) and " +
      'decodes each stored sample once in the exporter, so Prometheus evaluates nothing per step for them; a server ' +
      'without it (VictoriaMetrics) is read by range queries from its first refusal on. `off`: range queries, where ' +
      "Prometheus' cores do the work (faster when the exporter and Prometheus share two cores; see history/README.md).",
  }),
  settleSeconds: Type.Number({
    minimum: 0,
    maximum: 86400,
    default: 300,
    description: 'An hour is estimated only this long after it ended, so late scrapes are in.',
  }),
  intervalSeconds: Type.Number({
    minimum: 10,
    maximum: 86400,
    default: 300,
    description: 'How often `serve` looks for newly completed hours.',
  }),
  retentionDays: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 36500,
      description:
        'Keep this many whole UTC days of usage rows and hour statuses (plus the current day); older days are pruned ' +
        'after each history run. Unset: keep everything.',
    })
  ),
  fillFromAverages: Type.Boolean({
    default: false,
    description:
      "Fill an hour Prometheus cannot give (failed) from the machine types' averages per workspace-hour, for the " +
      'hosts of the nearest measured hour; flagged `machine_averages` and replaced by a later successful run.',
  }),
  ownership: section({
    file: Type.Optional(
      Type.String({
        minLength: 1,
        filePath: true,
        description:
          'Deprecated alias of `ownership.file` (a warning is logged at start and by `check-config`); ' +
          '`ownership` wins when both are set.',
      })
    ),
    mongodbUrl: Type.Optional(
      Type.String({
        minLength: 1,
        secret: true,
        description: 'Deprecated alias of `ownership.mongodb.url`; secret.',
      })
    ),
    database: Type.Optional(
      Type.String({ minLength: 1, description: 'Deprecated alias of `ownership.mongodb.database`.' })
    ),
    collection: Type.String({
      minLength: 1,
      default: 'workspaces',
      description: 'Deprecated alias of `ownership.mongodb.collection`.',
    }),
  }),
});
