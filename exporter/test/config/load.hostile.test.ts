/** The config loader with hostile files: alias bombs, documents nested too deep, NUL bytes in paths. */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load';
import { issuesOf, tmpDir } from './loadSupport';

describe('loadConfig', () => {
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
});
