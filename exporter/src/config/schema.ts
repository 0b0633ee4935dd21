import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  CarbonIntensitySchema,
  LabelsSchema,
  MachineProfileSchema,
  PartialProfile,
  PrometheusSchema,
  SiteSchema,
  EquivalencyRowSchema,
} from './parts';

export * from './parts';

import { HistorySchema } from './history';
import { section } from './section';

const OwnershipSchema = section({
  file: Type.Optional(
    Type.String({
      minLength: 1,
      filePath: true,
      description:
        'Workspace-ownership records, a JSON array or CSV with hostname, owner, created_time, deleted_time and an ' +
        'optional experiment (other fields are ignored): the owner and experiment of a host at an instant come from ' +
        'the record whose [created_time, deleted_time) contains it, for live tracking and history alike; a ' +
        '`labels.user` / `labels.experiment` value set on the target wins. A bad record is logged with its position ' +
        'and skipped.',
    })
  ),
  mongodb: section({
    url: Type.Optional(
      Type.String({
        minLength: 1,
        secret: true,
        description: 'Read the ownership records from MongoDB instead of a file (Ada keeps them there); secret.',
      })
    ),
    database: Type.Optional(Type.String({ minLength: 1, description: 'Database of the ownership collection.' })),
    collection: Type.String({ minLength: 1, default: 'workspaces', description: 'Collection of ownership records.' }),
  }),
  refreshSeconds: Type.Number({
    minimum: 1,
    maximum: 86400,
    default: 300,
    description:
      'How often `serve` reads the records again; a failed read keeps the last good records ' +
      '(`ada_carbon_source_up{source="ownership"} 0`).',
  }),
});

const GreenSchema = section({
  windowHours: Type.Array(Type.Number({ minimum: 0.5, maximum: 48, multipleOf: 0.5 }), {
    minItems: 1,
    maxItems: 8,
    uniqueItems: true,
    default: [1, 3, 8],
    description:
      'Job lengths in hours for the greenest-window advice (metrics, REST, reports): whole half-hours within ' +
      'the 48 h forecast (each is a `duration` label value).',
  }),
  idleRatioThreshold: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 0.95,
    description:
      'A workspace counts as idle (a shutdown candidate for the projected saving) when its CPU idle ratio over ' +
      'the last tracking interval is at least this.',
  }),
  equivalencies: Type.Optional(
    Type.Array(EquivalencyRowSchema, {
      minItems: 1,
      maxItems: 20,
      docDefault: 'built-in table',
      description:
        'Replaces the carbon equivalencies table: a list of `{id, label, unit, gramsPerUnit | ' +
        'kilowattHoursPerUnit, source}` with exactly one factor per row (grams of CO2e per unit, or kWh per unit ' +
        'converted at a grid intensity); see [greener-choices.md](greener-choices.md).',
    })
  ),
});

const authToken = (description: string) =>
  Type.Optional(Type.String({ minLength: 8, maxLength: 1024, secret: true, description }));

// Identity and access: who may read which user's data (plugins/auth.ts; docs/deploy.md for the Grafana side).
const AuthSchema = section({
  adminToken: authToken(
    '`Authorization: Bearer <token>` with it sees everything, every user included (secret; at least 8 characters, ' +
      'not only whitespace, no surrounding whitespace). With neither token set every caller is an admin.'
  ),
  proxyToken: authToken(
    "Held by a trusted front (Grafana's datasource, in its secure settings) as `Authorization: Bearer <token>`: only " +
      'a request carrying it has its `userHeader` believed (secret; rules as for `adminToken`, and different from it).'
  ),
  userHeader: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$',
    maxLength: 64,
    default: 'X-Grafana-User',
    description:
      'The header naming the signed-in user on a proxy-token request (Grafana sends `X-Grafana-User` with ' +
      '`[dataproxy] send_user_header`); ignored on any other request.',
  }),
  admins: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
    uniqueItems: true,
    default: [],
    description: 'User names who, identified through the proxy, see everything as the admin token does.',
  }),
});

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;

export const ConfigSchema = Type.Object(
  {
    prometheus: PrometheusSchema,
    carbonIntensity: CarbonIntensitySchema,
    sites: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]*$' }), SiteSchema, {
      docEntry: '<site>',
      default: { clf: { project: 'CDAaaS' }, isis: { project: 'IDAaaS' }, diamond: { project: 'DDAaaS' } },
      description: 'The sites, each named by a lower-case identifier and made of one project.',
    }),
    labels: LabelsSchema,
    machines: Type.Record(Type.String({ minLength: 1 }), PartialProfile, {
      envEntry: 'default',
      default: { default: Value.Default(MachineProfileSchema, {}) },
      description:
        'Power profiles by `machine_name`: `machines."<machine_name>"` (e.g. `"Artemis (Matlab)"`) takes the ' +
        'keys of `machines.default` below, each falling back to `machines.default`; a machine_name without an entry ' +
        'uses `machines.default` alone.',
    }),
    pue: Type.Number({
      minimum: 1,
      maximum: 3,
      default: 1,
      description:
        'Power usage effectiveness applied to all energy. 1.0 = IT energy only; typical data centres 1.56-1.58.',
    }),
    tracking: section({
      intervalSeconds: Type.Number({ minimum: 5, maximum: 3600, default: 60, description: 'Tracking cycle interval.' }),
      closeAfterSeconds: Type.Number({
        minimum: 0,
        maximum: 604800,
        default: 600,
        description: 'A workspace not seen for longer is closed (its totals stay in the store).',
      }),
    }),
    server: section({
      host: Type.String({
        minLength: 1,
        default: '127.0.0.1',
        description: 'Listen address; use `0.0.0.0` in a container.',
      }),
      port: Type.Integer({ minimum: 0, maximum: 65535, default: 9877, description: 'Listen port.' }),
      apiToken: Type.Optional(
        Type.String({
          minLength: 8,
          secret: true,
          description:
            'Deprecated alias of `server.auth.adminToken` (still accepted, with a warning at start-up); secret.',
        })
      ),
      auth: AuthSchema,
    }),
    metrics: section({
      userLabel: Type.Boolean({
        default: false,
        description:
          'Put the `user` label on the per-workspace families of `/metrics`. Privacy: anyone who can scrape ' +
          '`/metrics` (or query the Prometheus that stores it) then sees every user name with their kWh and gCO2e, ' +
          'and Prometheus keeps them for its whole retention. Off: those families carry no user name.',
      }),
      perWorkspace: Type.Boolean({
        default: true,
        description:
          'One series per workspace on the `ada_carbon_workspace_*` families of `/metrics`. Off, for fleets whose ' +
          'series are too many to scrape or store: the same families carry one series per site and project ' +
          '(energy, emissions and runtime summed, the workspaces closed since start still counted; power and vCPUs ' +
          'summed), and the idle ratio and boot-time families are left out. The REST API keeps every workspace.',
      }),
    }),
    store: section({
      sqlite: section({
        path: Type.String({
          minLength: 1,
          filePath: true,
          default: '.ada-carbon/ada-carbon.sqlite',
          description: 'Embedded SQLite store (tracking state, history).',
        }),
      }),
      mongodb: section({
        url: Type.Optional(
          Type.String({
            minLength: 1,
            secret: true,
            description:
              'MongoDB connection string, `mongodb://` or `mongodb+srv://` (secret: its password is redacted when ' +
              'printed). When set, live tracking state and usage history are stored in MongoDB (official driver, indexes, ' +
              'bulk upserts; never blocks start); otherwise in the SQLite file.',
          })
        ),
        database: Type.String({
          minLength: 1,
          maxLength: 63,
          default: 'ada_carbon',
          description: 'MongoDB database for tracking state and usage history.',
        }),
      }),
    }),
    history: HistorySchema,
    ownership: OwnershipSchema,
    green: GreenSchema,
    localStack: section({
      dataDir: Type.String({
        minLength: 1,
        filePath: true,
        default: '.ada-carbon/local',
        description: 'Where the local stack keeps Prometheus data and logs.',
      }),
      scrapeIntervalSeconds: Type.Number({
        minimum: 1,
        maximum: 300,
        default: 5,
        description: 'Scrape interval of the local stack.',
      }),
    }),
    logLevel: Type.Union(
      LOG_LEVELS.map((l) => Type.Literal(l)),
      { default: 'info', description: 'Log level.' }
    ),
    logFormat: Type.Union(
      LOG_FORMATS.map((l) => Type.Literal(l)),
      {
        default: 'auto',
        description:
          'Log lines: `pretty` (pino-pretty, for people), `json` (one object per line, for collectors), or `auto`: pretty when standard output is a terminal, else JSON.',
      }
    ),
  },
  { additionalProperties: false }
);

export type Config = Static<typeof ConfigSchema>;
