import type { Config } from './schema';

/**
 * Every default in one place. Power figures and their sources: docs/power-model.md.
 * busy 12 W/vCPU (Green Algorithms "any CPU" per core), idle 12% of that (Teads curve at 0% load),
 * memory 0.3725 W/GiB (Green Algorithms), fallback intensity 129 g/kWh (GB 2025 average, NESO).
 */
export const DEFAULTS: Config = {
  prometheus: { insecureSkipVerify: false, timeoutSeconds: 30, retries: 2, selector: '' },
  carbonIntensity: {
    url: 'https://api.carbonintensity.org.uk',
    fallbackGramsPerKwh: 129,
    cacheSeconds: 300,
    timeoutSeconds: 10,
  },
  sites: { clf: { project: 'CDAaaS' }, isis: { project: 'IDAaaS' }, diamond: { project: 'DDAaaS' } },
  labels: { project: 'cloud_project_name', machine: 'machine_name', host: 'host' },
  machines: {
    default: { busyWattsPerCpu: 12, idleWattsPerCpu: 1.44, memoryWattsPerGiB: 0.3725, otherWatts: 0 },
  },
  pue: 1.0,
  tracking: { intervalSeconds: 60, closeAfterSeconds: 600 },
  server: { host: '127.0.0.1', port: 9877 },
  store: { sqlite: { path: '.ada-carbon/ada-carbon.sqlite' }, mongodb: { database: 'ada_carbon' } },
  history: { enabled: true, hoursPerQuery: 168, parallelQueries: 2, settleSeconds: 300, intervalSeconds: 300, ownership: { collection: 'workspaces' } },
  green: { windowHours: [1, 3, 8], idleRatioThreshold: 0.95 },
  localStack: { dataDir: '.ada-carbon/local', scrapeIntervalSeconds: 5 },
  logLevel: 'info',
};
