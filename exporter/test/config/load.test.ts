import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, redactConfig, resolveMachineProfile } from '../../src/config/load';
import { DEFAULTS } from '../../src/config/defaults';
import { envBindings } from '../../src/config/env';
import { issuesOf, tmpDir } from './loadSupport';

describe('loadConfig', () => {
  it('gives the documented defaults with no file and no env', () => {
    const { config, file } = loadConfig({ cwd: tmpDir(), env: {} });
    expect(file).toBeUndefined();
    expect(config).toEqual(DEFAULTS);
    expect(config.sites.isis?.project).toBe('IDAaaS');
    expect(config.tracking.intervalSeconds).toBe(60);
  });

  it('layers defaults -> file -> env', () => {
    const dir = tmpDir();
    fs.writeFileSync(
      path.join(dir, 'ada-carbon.yaml'),
      [
        'prometheus:',
        '  url: http://prom.example:9090',
        '  timeoutSeconds: 5',
        'machines:',
        '  "Artemis (Matlab)":',
        '    busyWattsPerCpu: 20',
        'sites:',
        '  training: { project: TDAaaS }',
      ].join('\n')
    );
    const { config, file, envKeys } = loadConfig({
      cwd: dir,
      env: { ADA_CARBON_PROMETHEUS_TIMEOUT_SECONDS: '7', ADA_CARBON_PUE: '1.4' },
    });
    expect(file).toBe(path.join(dir, 'ada-carbon.yaml'));
    expect(config.prometheus.url).toBe('http://prom.example:9090');
    expect(config.prometheus.timeoutSeconds).toBe(7);
    expect(config.pue).toBe(1.4);
    expect(config.sites.training?.project).toBe('TDAaaS');
    expect(config.sites.clf?.project).toBe('CDAaaS');
    expect(envKeys.sort()).toEqual(['ADA_CARBON_PROMETHEUS_TIMEOUT_SECONDS', 'ADA_CARBON_PUE']);
    expect(resolveMachineProfile(config, 'Artemis (Matlab)')).toEqual({
      ...DEFAULTS.machines.default,
      busyWattsPerCpu: 20,
    });
    expect(resolveMachineProfile(config, 'Muon')).toEqual(DEFAULTS.machines.default);
  });

  it('reports every error at once, each with its key path', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(
      file,
      [
        'prometheus:',
        '  url: not a url',
        '  timeoutSeconds: -1',
        '  urll: typo',
        'tracking: { intervalSeconds: 1 }',
        'machines:',
        '  Muon: { busyWattsPerCpu: "lots" }',
        'logLevel: loud',
      ].join('\n')
    );
    const issues = issuesOf(() => loadConfig({ file, cwd: dir, env: { ADA_CARBON_SERVER_PORT: 'eighty' } }));
    const keys = issues.map((i) => i.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'prometheus.url',
        'prometheus.timeoutSeconds',
        'prometheus.urll',
        'tracking.intervalSeconds',
        'machines.Muon.busyWattsPerCpu',
        'logLevel',
        'server.port',
      ])
    );
    expect(issues.find((i) => i.key === 'prometheus.urll')?.message).toBe('unknown key');
    expect(issues.find((i) => i.key === 'server.port')).toMatchObject({ origin: 'env ADA_CARBON_SERVER_PORT' });
    expect(issues.find((i) => i.key === 'prometheus.url')?.message).toMatch(/URL/);
  });

  it('names an env variable that fails validation after coercion', () => {
    const issues = issuesOf(() => loadConfig({ cwd: tmpDir(), env: { ADA_CARBON_TRACKING_INTERVAL_SECONDS: '1' } }));
    expect(issues).toEqual([
      expect.objectContaining({ key: 'tracking.intervalSeconds', origin: 'env ADA_CARBON_TRACKING_INTERVAL_SECONDS' }),
    ]);
  });

  it('reports YAML syntax errors and a missing --config file', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'prometheus: [unclosed\n');
    expect(issuesOf(() => loadConfig({ file: 'broken.yaml', cwd: dir, env: {} }))[0]?.message).toMatch(/^YAML/);
    expect(issuesOf(() => loadConfig({ file: 'nope.yaml', cwd: dir, env: {} }))[0]?.message).toMatch(
      /cannot read config file .*nope\.yaml: ENOENT/
    );
  });

  it('checks cross-field rules and secret files', () => {
    const dir = tmpDir();
    fs.writeFileSync(
      path.join(dir, 'c.yaml'),
      [
        'prometheus:',
        '  url: https://p.example',
        '  bearerToken: abc',
        '  bearerTokenFile: /nonexistent/token',
        '  caFile: c.yaml',
        'sites: { a: { project: X }, b: { project: X } }',
        'machines: { default: { idleWattsPerCpu: 50 } }',
      ].join('\n')
    );
    const issues = issuesOf(() => loadConfig({ file: 'c.yaml', cwd: dir, env: {} }));
    const byKey = Object.fromEntries(issues.map((i) => [i.key, i.message]));
    expect(byKey['prometheus.bearerTokenFile']).toMatch(/either bearerToken or bearerTokenFile|cannot read/);
    expect(byKey['prometheus.caFile']).toMatch(/no PEM certificate/);
    expect(byKey['sites.b.project']).toMatch(/already site a/);
    expect(byKey['machines.default.idleWattsPerCpu']).toMatch(/must not exceed busyWattsPerCpu/);
  });

  it('reads secrets from files and never prints them', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'pw'), 's3cret-password\n');
    fs.writeFileSync(
      path.join(dir, 'c.yaml'),
      [
        'prometheus:',
        '  url: https://user:inline-pass@p.example',
        '  basicAuth: { username: ada, passwordFile: pw }',
        'server: { apiToken: token-123456 }',
        'store: { mongodb: { url: "mongodb://ada:mongo-pass@db.example:27017/ada" } }',
        'history: { ownership: { mongodbUrl: "mongodb+srv://own:owner-pass@cluster.example/x" } }',
      ].join('\n')
    );
    const loaded = loadConfig({ file: 'c.yaml', cwd: dir, env: {} });
    expect(loaded.secrets.prometheusBasicAuth).toEqual({ username: 'ada', password: 's3cret-password' });
    const printed = JSON.stringify(redactConfig(loaded.config));
    expect(printed).not.toMatch(/s3cret|token-123456|inline-pass|mongo-pass|owner-pass/);
    expect(printed).toContain('db.example:27017');
    expect(printed).toContain('<redacted>');
  });

  it('binds every scalar key to an ADA_CARBON_ variable', () => {
    const names = envBindings().map((b) => b.env);
    expect(names).toEqual(
      expect.arrayContaining([
        'ADA_CARBON_PROMETHEUS_URL',
        'ADA_CARBON_PROMETHEUS_BASIC_AUTH_PASSWORD_FILE',
        'ADA_CARBON_CARBON_INTENSITY_FALLBACK_GRAMS_PER_KWH',
        'ADA_CARBON_MACHINES_DEFAULT_BUSY_WATTS_PER_CPU',
        'ADA_CARBON_STORE_SQLITE_PATH',
        'ADA_CARBON_LOG_LEVEL',
      ])
    );
    expect(new Set(names).size).toBe(names.length);
  });

  describe('tokens', () => {
    it('a whitespace-only API token is an issue on server.apiToken, from the file or the environment', () => {
      const dir = tmpDir();
      fs.writeFileSync(
        path.join(dir, 'c.yaml'),
        'server: { apiToken: "          " }\nprometheus: { bearerToken: "  " }\n'
      );
      const issues = issuesOf(() => loadConfig({ file: 'c.yaml', cwd: dir, env: {} }));
      expect(issues).toEqual(
        expect.arrayContaining([
          { key: 'server.apiToken', message: 'must not be blank (it is only whitespace)' },
          { key: 'prometheus.bearerToken', message: 'must not be blank (it is only whitespace)' },
        ])
      );
      expect(
        issuesOf(() => loadConfig({ cwd: tmpDir(), env: { ADA_CARBON_SERVER_API_TOKEN: ' \t        ' } }))
      ).toEqual([
        {
          key: 'server.apiToken',
          message: 'must not be blank (it is only whitespace)',
          origin: 'env ADA_CARBON_SERVER_API_TOKEN',
        },
      ]);
    });

    it('a token with surrounding whitespace could never match the trimmed header: an issue', () => {
      expect(
        issuesOf(() => loadConfig({ cwd: tmpDir(), env: { ADA_CARBON_SERVER_API_TOKEN: 'token-123456 ' } }))
      ).toEqual([
        {
          key: 'server.apiToken',
          message: 'must not begin or end with whitespace',
          origin: 'env ADA_CARBON_SERVER_API_TOKEN',
        },
      ]);
      expect(loadConfig({ cwd: tmpDir(), env: { ADA_CARBON_SERVER_API_TOKEN: 'token 123456' } }).secrets.apiToken).toBe(
        'token 123456'
      );
    });
  });
});
