import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { ConfigError, loadConfig, redactConfig } from '../../src/config';
import { runCli } from '../../src/cli';
import { buildApp } from '../../src/app';
import { tempDir, testConfig } from '../support/app';

describe('ownership config', () => {
  it('top-level keys from the file and the environment; refreshSeconds defaults to 300', () => {
    const dir = tempDir();
    const loaded = loadConfig({ cwd: dir, env: { ADA_CARBON_OWNERSHIP_FILE: 'owners.csv' } });
    expect(loaded.config.ownership).toEqual({
      file: 'owners.csv',
      mongodb: { collection: 'workspaces' },
      refreshSeconds: 300,
    });
    expect(() => loadConfig({ cwd: dir, env: { ADA_CARBON_OWNERSHIP_REFRESH_SECONDS: '0' } })).toThrow(ConfigError);
  });

  it('the Mongo URL is a secret: its password is redacted when printed', () => {
    const env = { ADA_CARBON_OWNERSHIP_MONGODB_URL: 'mongodb://reader:s3cret@ada-mongo:27017/ada' };
    const { config } = loadConfig({ cwd: tempDir(), env });
    expect(JSON.stringify(redactConfig(config))).not.toContain('s3cret');
    expect(redactConfig(config).ownership.mongodb.url).toBe('mongodb://reader:%3Credacted%3E@ada-mongo:27017/ada');
  });

  it('check-config warns about the deprecated history.ownership and still accepts it', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'ada-carbon.yaml'), 'history: { ownership: { file: owners.csv } }\n');
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['check-config'], {
      out: (s) => out.push(s),
      err: (s) => err.push(s),
      env: {},
      cwd: dir,
    });
    expect(code).toBe(0);
    expect(err.join('\n')).toMatch(/warning: history\.ownership is deprecated: use the top-level ownership/);
    expect(err.join('\n')).toMatch(/configuration is valid/);
  });

  it('the app logs the deprecation once at start', async () => {
    const dir = tempDir();
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const loaded = testConfig(
      { prometheus: { url: 'http://127.0.0.1:1' }, history: { ownership: { file: path.join(dir, 'o.json') } } },
      dir
    );
    const app = await buildApp({ loaded, logger: { level: 'warn', stream } });
    try {
      await app.ready();
      expect(lines.filter((l) => l.includes('history.ownership is deprecated'))).toHaveLength(1);
      // the alias is read: the missing file shows as the source down
      expect(app.ownership.refresher?.status.lastError).toMatch(/ENOENT/);
    } finally {
      await app.close();
    }
  });
});
