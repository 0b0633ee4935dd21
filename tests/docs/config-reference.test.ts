import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_DOC_COMMAND, CONFIG_DOC_PATH, configReference } from '../../exporter/src/config/doc';
import { configKeys, envBindings } from '../../exporter/src/config/keys';
import { loadConfig } from '../../exporter/src/config/load';

const doc = fs.readFileSync(CONFIG_DOC_PATH, 'utf8');

/** The first line where the committed file and the generated one part, for a failure that says what changed. */
function firstDifference(a: string, b: string): string {
  const left = a.split('\n');
  const right = b.split('\n');
  const i = left.findIndex((line, n) => line !== right[n]);
  const at = i === -1 ? left.length : i;
  return `line ${at + 1}:\n  committed: ${left[at] ?? '(end of file)'}\n  generated: ${right[at] ?? '(end of file)'}`;
}

describe('docs/configuration.md', () => {
  it('is the reference generated from the config schema', () => {
    const generated = configReference();
    if (doc !== generated) {
      throw new Error(
        `docs/configuration.md is stale: run \`${CONFIG_DOC_COMMAND}\` to rewrite it\n${firstDifference(doc, generated)}`
      );
    }
  });

  it('documents every configuration key with its environment variable', () => {
    const keys = envBindings().map((b) => b.path.join('.'));
    const missing = keys.filter((k) => !doc.includes(`\`${k}\``));
    expect(missing).toEqual([]);
    const unnamed = envBindings()
      .filter((b) => !doc.includes(`| \`${b.env}\` |`))
      .map((b) => b.env);
    expect(unnamed).toEqual([]);
  });

  it('gives every key a description in the schema', () => {
    const bare = configKeys().filter((k) => typeof k.schema.description !== 'string' || k.schema.description === '');
    expect(bare.map((k) => k.path.join('.'))).toEqual([]);
  });

  it('gives an example that is a valid config', () => {
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-doc-'));
    fs.writeFileSync(path.join(dir, 'token'), 'example-token\n');
    const file = path.join(dir, 'ada-carbon.yaml');
    fs.writeFileSync(file, (example ?? '').replace('/run/secrets/prometheus-token', path.join(dir, 'token')));
    const { config } = loadConfig({ file, cwd: dir, env: {} });
    expect(config.machines['Artemis (Matlab)']?.busyWattsPerCpu).toBe(14);
    expect(config.pue).toBe(1.58);
  });
});
