import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, redactConfig, resolveMachineProfile } from '../../src/config/load';
import { DEFAULTS } from '../../src/config/defaults';
import { envBindings } from '../../src/config/env';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-config-'));
}

function issuesOf(fn: () => unknown): Array<{ key: string; message: string; origin?: string }> {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

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

  describe('hostile files', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...'bcdefghi'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`),
    ].join('\n');

    it('an alias bomb is one issue naming the file: too many alias expansions', () => {
      const dir = tmpDir();
      const file = path.join(dir, 'ada-carbon.yaml');
      fs.writeFileSync(file, bomb);
      let error: unknown;
      try {
        loadConfig({ cwd: dir, env: {} });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues).toEqual([
        { key: '', message: expect.stringMatching(/^too many alias expansions/) as string, origin: file },
      ]);
      expect((error as ConfigError).message).toBe(
        `invalid configuration: ${file}: too many alias expansions (more than 50)`
      );
    });

    it('a few aliases are still fine', () => {
      const dir = tmpDir();
      fs.writeFileSync(
        path.join(dir, 'c.yaml'),
        'x-profile: &p { busyWattsPerCpu: 20 }\n'.replace('x-profile', 'machines:\n  A') + '  B: *p\n  C: *p\n'
      );
      const { config } = loadConfig({ file: 'c.yaml', cwd: dir, env: {} });
      expect(config.machines.C?.busyWattsPerCpu).toBe(20);
    });

    it.each([
      ['flow', `prometheus: ${'['.repeat(20000)}${']'.repeat(20000)}\n`],
      ['block', `prometheus:\n${Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i + 1)}k:`).join('\n')}\n`],
      // the top-level mapping is the first level
      ['just past the limit', `prometheus: ${'['.repeat(32)}${']'.repeat(32)}\n`],
    ])('a document nested too deep (%s) is refused before it is composed', (_name, text) => {
      const dir = tmpDir();
      fs.writeFileSync(path.join(dir, 'deep.yaml'), text);
      const issues = issuesOf(() => loadConfig({ file: 'deep.yaml', cwd: dir, env: {} }));
      expect(issues).toEqual([
        { key: '', message: 'nesting deeper than 32 levels', origin: path.join(dir, 'deep.yaml') },
      ]);
    });

    it('nesting at the limit is only checked against the schema', () => {
      const dir = tmpDir();
      fs.writeFileSync(path.join(dir, 'c.yaml'), `prometheus: ${'['.repeat(31)}${']'.repeat(31)}\n`);
      expect(issuesOf(() => loadConfig({ file: 'c.yaml', cwd: dir, env: {} }))).toEqual([
        expect.objectContaining({ key: 'prometheus', message: 'must be object' }),
      ]);
    });

    it('nesting built up through aliases is refused too', () => {
      const dir = tmpDir();
      const chain = ['a0: &a0 [[[[[[[[[[x]]]]]]]]]]'];
      for (let i = 1; i < 5; i++) chain.push(`a${i}: &a${i} [[[[[[[[[[*a${i - 1}]]]]]]]]]]`);
      fs.writeFileSync(path.join(dir, 'c.yaml'), chain.join('\n'));
      const issues = issuesOf(() => loadConfig({ file: 'c.yaml', cwd: dir, env: {} }));
      expect(issues).toEqual([
        expect.objectContaining({ message: 'nesting deeper than 32 levels once its aliases are expanded' }),
      ]);
    });

    it('a NUL byte in the --config path is an issue on --config', () => {
      expect(issuesOf(() => loadConfig({ file: 'ada\u0000carbon.yaml', cwd: tmpDir(), env: {} }))).toEqual([
        { key: '--config', message: 'the path must not contain a NUL byte' },
      ]);
    });

    it('a NUL byte in any path-valued key is an issue on that key, with the others still listed', () => {
      const dir = tmpDir();
      fs.writeFileSync(
        path.join(dir, 'c.yaml'),
        [
          'prometheus: { url: "http://p:9090", caFile: "ca\\0.pem", bearerTokenFile: "t\\0" }',
          'store: { sqlite: { path: "db\\0.sqlite" } }',
          'history: { ownership: { file: "own\\0.csv" } }',
          'pue: 9',
        ].join('\n')
      );
      const issues = issuesOf(() =>
        loadConfig({ file: 'c.yaml', cwd: dir, env: { ADA_CARBON_LOCAL_STACK_DATA_DIR: 'd\u0000' } })
      );
      const nul = 'must not contain a NUL byte';
      expect(issues).toEqual(
        expect.arrayContaining([
          { key: 'prometheus.caFile', message: nul },
          { key: 'prometheus.bearerTokenFile', message: nul },
          { key: 'store.sqlite.path', message: nul },
          { key: 'history.ownership.file', message: nul },
          { key: 'localStack.dataDir', message: nul, origin: 'env ADA_CARBON_LOCAL_STACK_DATA_DIR' },
          expect.objectContaining({ key: 'pue' }),
        ])
      );
      // the unreadable paths are not reported a second time as "cannot read"
      expect(issues.filter((i) => /cannot read/.test(i.message))).toEqual([]);
    });
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
