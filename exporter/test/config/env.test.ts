import { DEFAULTS } from '../../src/config/defaults';
import { envLayer } from '../../src/config/env';
import { schemaIssues } from '../../src/config/validate';

describe('the schema as the one source of defaults', () => {
  it('derives defaults that are a valid config', () => {
    expect(schemaIssues(structuredClone(DEFAULTS), new Map())).toEqual([]);
  });

  it('keeps the built-in figures (power model, fallback intensity, ports)', () => {
    expect(DEFAULTS.machines.default).toEqual({
      busyWattsPerCpu: 12,
      idleWattsPerCpu: 1.44,
      memoryWattsPerGiB: 0.3725,
      otherWatts: 0,
    });
    expect(DEFAULTS.carbonIntensity.fallbackGramsPerKwh).toBe(129);
    expect(DEFAULTS.server).toEqual({
      host: '127.0.0.1',
      port: 9877,
      auth: { userHeader: 'X-Grafana-User', admins: [] },
    });
    expect(DEFAULTS.prometheus.url).toBeUndefined();
    expect(DEFAULTS.green.windowHours).toEqual([1, 3, 8]);
  });
});

describe('envLayer: environment strings coerced by the schema', () => {
  it('converts numbers, integers and booleans to their key types, and leaves strings as written', () => {
    const layer = envLayer({
      ADA_CARBON_PUE: ' 1.4 ',
      ADA_CARBON_SERVER_PORT: '8080',
      ADA_CARBON_HISTORY_ENABLED: 'no',
      ADA_CARBON_PROMETHEUS_INSECURE_SKIP_VERIFY: 'YES',
      ADA_CARBON_PROMETHEUS_SELECTOR: ' job="node" ',
      UNRELATED: 'x',
    });
    expect(layer.issues).toEqual([]);
    expect(layer.values).toEqual({
      pue: 1.4,
      server: { port: 8080 },
      history: { enabled: false },
      prometheus: { insecureSkipVerify: true, selector: ' job="node" ' },
    });
    expect(layer.origins.get('server.port')).toBe('env ADA_CARBON_SERVER_PORT');
  });

  it.each([
    ['true', true],
    ['1', true],
    ['False', false],
    ['0', false],
  ])('reads the boolean %s', (raw, value) => {
    expect(envLayer({ ADA_CARBON_HISTORY_ENABLED: raw }).values).toEqual({ history: { enabled: value } });
  });

  it('names the variable and the value when a string does not convert, and sets nothing for it', () => {
    const layer = envLayer({
      ADA_CARBON_SERVER_PORT: '80.5',
      ADA_CARBON_PUE: 'lots',
      ADA_CARBON_TRACKING_INTERVAL_SECONDS: '   ',
      ADA_CARBON_HISTORY_ENABLED: 'maybe',
      ADA_CARBON_LOG_LEVEL: 'debug',
    });
    expect(layer.issues).toEqual([
      { key: 'pue', message: 'must be a number, got "lots"', origin: 'env ADA_CARBON_PUE' },
      {
        key: 'tracking.intervalSeconds',
        message: 'must be a number, got "   "',
        origin: 'env ADA_CARBON_TRACKING_INTERVAL_SECONDS',
      },
      { key: 'server.port', message: 'must be an integer, got "80.5"', origin: 'env ADA_CARBON_SERVER_PORT' },
      {
        key: 'history.enabled',
        message: 'must be true or false, got "maybe"',
        origin: 'env ADA_CARBON_HISTORY_ENABLED',
      },
    ]);
    expect(layer.values).toEqual({ logLevel: 'debug' });
    expect(layer.envKeys).toEqual(['ADA_CARBON_LOG_LEVEL']);
  });

  it('treats an empty variable as unset', () => {
    expect(envLayer({ ADA_CARBON_PUE: '', ADA_CARBON_SERVER_HOST: '' })).toMatchObject({
      values: {},
      issues: [],
      envKeys: [],
    });
  });
});
