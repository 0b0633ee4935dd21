import { Type, type Static } from '@sinclair/typebox';

/*
 * Building blocks of the config schema. Every key carries its `default` (when it has one), `description` and
 * constraints: defaults are derived from here (defaults.ts) and docs/configuration.md is generated from here (doc.ts).
 * Annotations of our own: `secret` (redacted when printed), `filePath` (no NUL byte), on a record `envEntry` (the one
 * entry environment variables can set) or `docEntry` (the placeholder the reference uses for its entries), and
 * `docDefault` (how the reference shows a default the schema cannot hold).
 */

// Power figures and their sources: docs/power-model.md.
export const MachineProfileSchema = Type.Object(
  {
    busyWattsPerCpu: Type.Number({
      minimum: 0,
      maximum: 1000,
      default: 12,
      description: 'Watts per vCPU while busy (Green Algorithms "any CPU", 12 W per core).',
    }),
    idleWattsPerCpu: Type.Number({
      minimum: 0,
      maximum: 1000,
      default: 1.44,
      description: 'Watts per vCPU while idle: 12% of busy (Teads/Boavizta curve at 0% load). Must not exceed busy.',
    }),
    memoryWattsPerGiB: Type.Number({
      minimum: 0,
      maximum: 100,
      default: 0.3725,
      description: 'Watts per GiB of **active** memory (Green Algorithms).',
    }),
    memoryWatts: Type.Optional(
      Type.Number({ minimum: 0, maximum: 10000, description: 'A fixed memory figure instead of the per-GiB one.' })
    ),
    otherWatts: Type.Number({
      minimum: 0,
      maximum: 10000,
      default: 0,
      description: 'Watts per host for everything else.',
    }),
  },
  { additionalProperties: false }
);
export type MachineProfile = Static<typeof MachineProfileSchema>;

export const PartialProfile = Type.Partial(MachineProfileSchema, { additionalProperties: false });
export type PartialMachineProfile = Static<typeof PartialProfile>;

export const SiteSchema = Type.Object(
  {
    project: Type.String({
      minLength: 1,
      description:
        'Which project label value makes a site. Merged with the defaults; a project in no site is site `unknown`.',
    }),
  },
  { additionalProperties: false }
);

// One row of the carbon equivalencies table (green/equivalencies.ts); units are in the field names.
export const EquivalencyRowSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z][a-z0-9_]*$' }),
    label: Type.String({ minLength: 1, maxLength: 100 }),
    unit: Type.String({ minLength: 1, maxLength: 30 }),
    gramsPerUnit: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, description: 'gCO2e per unit (a fixed footprint)' })
    ),
    kilowattHoursPerUnit: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, description: 'kWh per unit (converted at a grid intensity)' })
    ),
    source: Type.String({ minLength: 1, maxLength: 400 }),
  },
  {
    additionalProperties: false,
    // exactly one factor: a fixed footprint or an amount of electricity
    oneOf: [
      { properties: { gramsPerUnit: { type: 'number' } }, required: ['gramsPerUnit'] },
      { properties: { kilowattHoursPerUnit: { type: 'number' } }, required: ['kilowattHoursPerUnit'] },
    ],
  }
);
export type EquivalencyRow = Static<typeof EquivalencyRowSchema>;

const token = (description: string) => Type.Optional(Type.String({ minLength: 1, secret: true, description }));

export const PrometheusSchema = Type.Object(
  {
    url: Type.Optional(
      Type.String({
        format: 'uri',
        description:
          'Prometheus base URL (may include a path prefix). Unset: `serve` starts a local stack ' +
          '(prometheus-node-exporter + Prometheus on loopback) and tracks this machine.',
      })
    ),
    bearerToken: token('Bearer token (secret; redacted when printed).'),
    bearerTokenFile: Type.Optional(
      Type.String({
        minLength: 1,
        filePath: true,
        description: 'File holding the bearer token (preferred over the inline value).',
      })
    ),
    basicAuth: Type.Optional(
      Type.Object(
        {
          username: Type.String({ minLength: 1, description: 'Basic-auth user.' }),
          password: Type.Optional(
            Type.String({
              secret: true,
              description: 'Basic-auth password (secret). Exactly one of password / passwordFile.',
            })
          ),
          passwordFile: Type.Optional(
            Type.String({
              minLength: 1,
              filePath: true,
              description: 'File holding the basic-auth password.',
            })
          ),
        },
        { additionalProperties: false }
      )
    ),
    caFile: Type.Optional(
      Type.String({ minLength: 1, filePath: true, description: 'PEM CA bundle to trust for https.' })
    ),
    insecureSkipVerify: Type.Boolean({ default: false, description: 'Skip TLS verification (testing only).' }),
    timeoutSeconds: Type.Number({
      exclusiveMinimum: 0,
      maximum: 600,
      default: 30,
      description: 'Per-request timeout, also sent to Prometheus as the query timeout.',
    }),
    retries: Type.Integer({
      minimum: 0,
      maximum: 10,
      default: 2,
      description: 'Extra attempts on network errors, timeouts and 5xx, with jittered exponential backoff.',
    }),
    selector: Type.String({
      default: '',
      description: 'Extra PromQL label matchers added to every query, e.g. `job="node"`.',
    }),
  },
  { additionalProperties: false, default: {} }
);

export const CarbonIntensitySchema = Type.Object(
  {
    url: Type.String({
      format: 'uri',
      default: 'https://api.carbonintensity.org.uk',
      description: 'GB carbon intensity API.',
    }),
    postcode: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?( ?[0-9][A-Za-z]{2})?$',
        description:
          'Outward postcode (e.g. `OX11` for RAL/Harwell, region 12): use regional intensity for emissions. ' +
          'A full postcode is cut to its outward part.',
      })
    ),
    fallbackGramsPerKwh: Type.Number({
      minimum: 0,
      maximum: 2000,
      default: 129,
      description:
        'Used, and flagged (`ada_carbon_grid_intensity_fallback 1`), only when no API data covers the instant. ' +
        '129 g/kWh is the GB 2025 average (NESO).',
    }),
    cacheSeconds: Type.Number({
      minimum: 0,
      maximum: 86400,
      default: 300,
      description: 'How long an API answer is reused.',
    }),
    timeoutSeconds: Type.Number({
      exclusiveMinimum: 0,
      maximum: 600,
      default: 10,
      description: 'Per-request timeout.',
    }),
  },
  { additionalProperties: false, default: {} }
);

export const LabelsSchema = Type.Object(
  {
    project: Type.String({
      minLength: 1,
      default: 'cloud_project_name',
      description: 'Source label naming the project.',
    }),
    machine: Type.String({
      minLength: 1,
      default: 'machine_name',
      description: 'Source label naming the workspace type.',
    }),
    host: Type.String({
      minLength: 1,
      default: 'host',
      description: 'Source label naming the host; when absent the `instance` without its port is used.',
    }),
    user: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Source label naming the user, where the deployment has one (Ada does not: see `ownership`); where a ' +
          'target has it, it wins over the ownership records.',
      })
    ),
    experiment: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Source label naming the experiment; where a target has it, it wins over the ownership records.',
      })
    ),
  },
  { additionalProperties: false, default: {} }
);
