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
      'Target-hours (hosts x hours) the backfill holds in memory at once, over every chunk in flight: a chunk ' +
      'covers this / parallelQueries / targets hours (at least 1, at most hoursPerQuery), so memory stays bounded ' +
      'at any fleet size.',
  }),
  parallelQueries: Type.Integer({
    minimum: 1,
    maximum: 16,
    default: 2,
    description: 'Range queries in flight at once (Prometheus evaluates each on its own core).',
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
