import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from '../../src/cli';
import { tempDir } from '../support/app';

function cli(args: string[], env: Record<string, string> = {}, cwd = tempDir()) {
  const out: string[] = [];
  const err: string[] = [];
  return runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), env, cwd }).then((code) => ({
    code,
    out: out.join('\n'),
    err: err.join('\n'),
  }));
}

describe('ada-carbon CLI', () => {
  it('--help lists the commands and exits 0', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/serve[\s\S]*track[\s\S]*check-config/);
  });

  it('the installed `ada-carbon` bin (what npx runs) is the checked-in shim, and it runs the built CLI', () => {
    const root = path.resolve(__dirname, '../../..');
    const linked = fs.realpathSync(path.join(root, 'node_modules/.bin/ada-carbon'));
    expect(linked).toBe(path.join(root, 'exporter/bin/ada-carbon.js'));
    const r = spawnSync(linked, ['--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/serve[\s\S]*track[\s\S]*check-config/);
  });

  it('an unknown command is a usage error: exit 2', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command 'frobnicate'/);
  });

  it('check-config prints the effective config with secrets redacted', async () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'ada-carbon.yaml'),
      'prometheus:\n  url: http://p:9090\n  bearerToken: hunter2-token\n'
    );
    const r = await cli(['check-config'], { ADA_CARBON_PUE: '1.58' }, dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/url: http:\/\/p:9090/);
    expect(r.out).toMatch(/pue: 1.58/);
    expect(r.out).not.toContain('hunter2');
    expect(r.out).toContain('<redacted>');
    expect(r.err).toMatch(/configuration is valid .*ADA_CARBON_PUE/);
  });

  it('check-config exits 2 and lists every error with its key', async () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'bad.yaml'),
      'prometheus: { url: "::" }\npue: 0.5\ntracking: { intervalSeconds: "often" }\n'
    );
    const r = await cli(['--config', 'bad.yaml', 'check-config'], { ADA_CARBON_SERVER_PORT: '99999' }, dir);
    expect(r.code).toBe(2);
    for (const key of ['prometheus.url', 'pue', 'tracking.intervalSeconds', 'server.port'])
      expect(r.err).toContain(`${key}:`);
    expect(r.err).toMatch(/invalid configuration \(4 errors\)/);
  });

  it('track without a Prometheus URL is a config error (exit 2)', async () => {
    const r = await cli(['track', '--once']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/prometheus.url: is required by track/);
  });

  it('the built binary runs (bin of the exporter package)', () => {
    const bin = path.resolve(__dirname, '../../dist/cli.js');
    if (!fs.existsSync(bin))
      spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: path.resolve(__dirname, '../..') });
    const r = spawnSync(process.execPath, [bin, 'check-config', '--json'], {
      encoding: 'utf8',
      cwd: tempDir(),
      env: { PATH: process.env.PATH },
    });
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { sites: Record<string, { project: string }> }).sites.isis?.project).toBe('IDAaaS');
    const bad = spawnSync(process.execPath, [bin, 'check-config'], {
      encoding: 'utf8',
      cwd: tempDir(),
      env: { PATH: process.env.PATH, ADA_CARBON_LOG_LEVEL: 'chatty' },
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/logLevel: must be one of/);
  });

  describe('hostile or broken input', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...'bcdefghi'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`),
    ].join('\n');
    const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);

    it('an alias bomb exits 2 with one line naming the file', async () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'ada-carbon.yaml'), bomb);
      const r = await cli(['check-config'], {}, dir);
      expect(r.code).toBe(2);
      expect(r.err).toBe(
        `invalid configuration: ${path.join(dir, 'ada-carbon.yaml')}: too many alias expansions (more than 50)`
      );
    });

    it('a document nested too deep exits 2 naming the file', async () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'deep.yaml'), `prometheus: ${'['.repeat(100000)}${']'.repeat(100000)}\n`);
      const r = await cli(['--config', 'deep.yaml', 'serve'], {}, dir);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`invalid configuration: ${path.join(dir, 'deep.yaml')}: nesting deeper than 32 levels`);
    });

    it('a NUL byte in --config or in a path-valued key exits 2 naming the key', async () => {
      const dir = tempDir();
      const r = await cli(['--config', 'a\u0000.yaml', 'check-config'], {}, dir);
      expect(r.code).toBe(2);
      expect(r.err).toBe('invalid configuration: --config: the path must not contain a NUL byte');
      fs.writeFileSync(
        path.join(dir, 'c.yaml'),
        'store: { sqlite: { path: "x\\0.sqlite" } }\nhistory: { ownership: { file: "o\\0" } }\n'
      );
      const r2 = await cli(
        ['--config', 'c.yaml', 'backfill', '--from', '2026-01-01', '--to', '2026-01-02'],
        { ADA_CARBON_PROMETHEUS_URL: 'http://127.0.0.1:9' },
        dir
      );
      expect(r2.code).toBe(2);
      expect(r2.err).toContain('store.sqlite.path: must not contain a NUL byte');
      expect(r2.err).toContain('history.ownership.file: must not contain a NUL byte');
      noStack(r2.err);
    });

    it('a whitespace-only API token exits 2 naming the key and its variable', async () => {
      const r = await cli(['check-config'], { ADA_CARBON_SERVER_API_TOKEN: '          ' });
      expect(r.code).toBe(2);
      expect(r.err).toBe(
        'invalid configuration: server.apiToken: must not be blank (it is only whitespace) [env ADA_CARBON_SERVER_API_TOKEN]'
      );
    });

    it.each([
      ['serve', []],
      ['backfill', ['--from', '2026-01-01', '--to', '2026-01-02']],
    ])('%s on a corrupt store exits 1 naming the file', async (command, args) => {
      const dir = tempDir();
      const file = path.join(dir, 'store.sqlite');
      fs.writeFileSync(file, 'this is not a database\n'.repeat(300));
      const env = {
        ADA_CARBON_PROMETHEUS_URL: 'http://127.0.0.1:9',
        ADA_CARBON_STORE_SQLITE_PATH: file,
        ADA_CARBON_SERVER_PORT: '0',
        ADA_CARBON_LOG_LEVEL: 'silent',
      };
      const r = await cli([command, ...args], env, dir);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        `ada-carbon: cannot open the SQLite store ${file} (store.sqlite.path): file is not a database`
      );
    });

    it('the built binary: bad config exits 2 and a corrupt store exits 1, each with one line and no stack trace', () => {
      const bin = path.resolve(__dirname, '../../dist/cli.js');
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'ada-carbon.yaml'), bomb);
      const bad = spawnSync(process.execPath, [bin, 'check-config'], {
        encoding: 'utf8',
        cwd: dir,
        env: { PATH: process.env.PATH },
      });
      expect(bad.status).toBe(2);
      expect(bad.stderr.trim()).toBe(
        `invalid configuration: ${path.join(dir, 'ada-carbon.yaml')}: too many alias expansions (more than 50)`
      );
      const file = path.join(dir, 'store.sqlite');
      fs.writeFileSync(file, Buffer.alloc(4096, 7));
      const corrupt = spawnSync(process.execPath, [bin, 'serve'], {
        encoding: 'utf8',
        cwd: tempDir(),
        timeout: 20000,
        env: {
          PATH: process.env.PATH,
          ADA_CARBON_PROMETHEUS_URL: 'http://127.0.0.1:9',
          ADA_CARBON_STORE_SQLITE_PATH: file,
          ADA_CARBON_SERVER_PORT: '0',
        },
      });
      expect(corrupt.status).toBe(1);
      expect(corrupt.stderr.trim()).toBe(
        `ada-carbon: cannot open the SQLite store ${file} (store.sqlite.path): file is not a database`
      );
    });
  });
});
