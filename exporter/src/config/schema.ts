import { Type, type Static } from '@sinclair/typebox';

// One power profile per machine type. Units are in the names; see docs/power-model.md for sources.
export const MachineProfileSchema = Type.Object(
  {
    busyWattsPerCpu: Type.Number({ minimum: 0, maximum: 1000, description: 'Watts drawn by one vCPU while busy' }),
    idleWattsPerCpu: Type.Number({ minimum: 0, maximum: 1000, description: 'Watts drawn by one vCPU while idle' }),
    memoryWattsPerGiB: Type.Number({ minimum: 0, maximum: 100, description: 'Watts per GiB of active memory' }),
    memoryWatts: Type.Optional(
      Type.Number({ minimum: 0, maximum: 10000, description: 'Fixed memory watts; replaces memoryWattsPerGiB when set' }),
    ),
    otherWatts: Type.Number({ minimum: 0, maximum: 10000, description: 'Watts per host for everything else' }),
  },
  { additionalProperties: false },
);
export type MachineProfile = Static<typeof MachineProfileSchema>;

export const PartialProfile = Type.Partial(MachineProfileSchema, { additionalProperties: false });
export type PartialMachineProfile = Static<typeof PartialProfile>;

export const SiteSchema = Type.Object(
  { project: Type.String({ minLength: 1, description: 'cloud_project_name value of the site' }) },
  { additionalProperties: false },
);

// One row of the carbon equivalencies table (green/equivalencies.ts); units are in the field names.
export const EquivalencyRowSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z][a-z0-9_]*$' }),
    label: Type.String({ minLength: 1, maxLength: 100 }),
    unit: Type.String({ minLength: 1, maxLength: 30 }),
    gramsPerUnit: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'gCO2e per unit (a fixed footprint)' })),
    kilowattHoursPerUnit: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'kWh per unit (converted at a grid intensity)' })),
    source: Type.String({ minLength: 1, maxLength: 400 }),
  },
  {
    additionalProperties: false,
    // exactly one factor: a fixed footprint or an amount of electricity
    oneOf: [
      { properties: { gramsPerUnit: { type: 'number' } }, required: ['gramsPerUnit'] },
      { properties: { kilowattHoursPerUnit: { type: 'number' } }, required: ['kilowattHoursPerUnit'] },
    ],
  },
);
export type EquivalencyRow = Static<typeof EquivalencyRowSchema>;

// `filePath` marks keys naming a file or directory (validated in load.ts: no NUL byte).
export const ConfigSchema = Type.Object(
  {
    prometheus: Type.Object(
      {
        url: Type.Optional(Type.String({ format: 'uri', description: 'Prometheus base URL; unset = local stack' })),
        bearerToken: Type.Optional(Type.String({ minLength: 1, secret: true })),
        bearerTokenFile: Type.Optional(Type.String({ minLength: 1, filePath: true })),
        basicAuth: Type.Optional(
          Type.Object(
            {
              username: Type.String({ minLength: 1 }),
              password: Type.Optional(Type.String({ secret: true })),
              passwordFile: Type.Optional(Type.String({ minLength: 1, filePath: true })),
            },
            { additionalProperties: false },
          ),
        ),
        caFile: Type.Optional(Type.String({ minLength: 1, filePath: true })),
        insecureSkipVerify: Type.Boolean(),
        timeoutSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 600 }),
        retries: Type.Integer({ minimum: 0, maximum: 10 }),
        selector: Type.String({ description: 'Extra PromQL label matchers for every query, e.g. job="node"' }),
      },
      { additionalProperties: false },
    ),
    carbonIntensity: Type.Object(
      {
        url: Type.String({ format: 'uri' }),
        postcode: Type.Optional(Type.String({ pattern: '^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?( ?[0-9][A-Za-z]{2})?$' })),
        fallbackGramsPerKwh: Type.Number({ minimum: 0, maximum: 2000 }),
        cacheSeconds: Type.Number({ minimum: 0, maximum: 86400 }),
        timeoutSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 600 }),
      },
      { additionalProperties: false },
    ),
    sites: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]*$' }), SiteSchema),
    labels: Type.Object(
      {
        project: Type.String({ minLength: 1 }),
        machine: Type.String({ minLength: 1 }),
        host: Type.String({ minLength: 1 }),
        user: Type.Optional(Type.String({ minLength: 1 })),
        experiment: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false },
    ),
    // machines.default completes every other profile; a machine_name without an entry uses default alone.
    machines: Type.Record(Type.String({ minLength: 1 }), PartialProfile),
    pue: Type.Number({ minimum: 1, maximum: 3 }),
    tracking: Type.Object(
      {
        intervalSeconds: Type.Number({ minimum: 5, maximum: 3600 }),
        closeAfterSeconds: Type.Number({ minimum: 0, maximum: 604800 }),
      },
      { additionalProperties: false },
    ),
    server: Type.Object(
      {
        host: Type.String({ minLength: 1 }),
        port: Type.Integer({ minimum: 0, maximum: 65535 }),
        apiToken: Type.Optional(Type.String({ minLength: 8, secret: true })),
      },
      { additionalProperties: false },
    ),
    store: Type.Object(
      {
        sqlite: Type.Object({ path: Type.String({ minLength: 1, filePath: true }) }, { additionalProperties: false }),
        // usage history in MongoDB when url is set; otherwise in the SQLite file above
        mongodb: Type.Object(
          {
            url: Type.Optional(Type.String({ minLength: 1, secret: true, description: 'mongodb:// or mongodb+srv:// URL' })),
            database: Type.String({ minLength: 1, maxLength: 63 }),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    history: Type.Object(
      {
        /** serve estimates each completed hour (and retries yesterday's failed ones) without a cron */
        enabled: Type.Boolean(),
        /** hours per Prometheus range query (step 30 min, so at most 5,499 within the 11,000-point limit) */
        hoursPerQuery: Type.Integer({ minimum: 1, maximum: 5499 }),
        /** range queries in flight at once (Prometheus evaluates each on its own core) */
        parallelQueries: Type.Integer({ minimum: 1, maximum: 16 }),
        /** an hour is estimated only this long after it ended, so late scrapes are in */
        settleSeconds: Type.Number({ minimum: 0, maximum: 86400 }),
        /** how often serve looks for newly completed hours */
        intervalSeconds: Type.Number({ minimum: 10, maximum: 86400 }),
        ownership: Type.Object(
          {
            /** JSON array or CSV with hostname, owner, created_time, deleted_time */
            file: Type.Optional(Type.String({ minLength: 1, filePath: true })),
            mongodbUrl: Type.Optional(Type.String({ minLength: 1, secret: true })),
            database: Type.Optional(Type.String({ minLength: 1 })),
            collection: Type.String({ minLength: 1 }),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    green: Type.Object(
      {
        /** job lengths for the greenest-window advice; whole half-hours within the 48 h forecast */
        windowHours: Type.Array(Type.Number({ minimum: 0.5, maximum: 48, multipleOf: 0.5 }), { minItems: 1, maxItems: 8, uniqueItems: true }),
        /** a workspace counts as idle (a shutdown candidate) when its CPU idle ratio is at least this */
        idleRatioThreshold: Type.Number({ minimum: 0, maximum: 1 }),
        /** replaces the built-in equivalencies table; each row has exactly one of gramsPerUnit or kilowattHoursPerUnit */
        equivalencies: Type.Optional(Type.Array(EquivalencyRowSchema, { minItems: 1, maxItems: 20 })),
      },
      { additionalProperties: false },
    ),
    localStack: Type.Object(
      {
        dataDir: Type.String({ minLength: 1, filePath: true }),
        scrapeIntervalSeconds: Type.Number({ minimum: 1, maximum: 300 }),
      },
      { additionalProperties: false },
    ),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
