import fs from 'node:fs';
import { CONFIG_DOC_COMMAND, CONFIG_DOC_PATH, configReference } from '../../exporter/src/config/doc';
import { configKeys, envBindings } from '../../exporter/src/config/keys';

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
      throw new Error(`docs/configuration.md is stale: run \`${CONFIG_DOC_COMMAND}\` to rewrite it\n${firstDifference(doc, generated)}`);
    }
  });

  it('documents every configuration key with its environment variable', () => {
    const keys = envBindings().map((b) => b.path.join('.'));
    const missing = keys.filter((k) => !doc.includes(`\`${k}\``));
    expect(missing).toEqual([]);
    const unnamed = envBindings().filter((b) => !doc.includes(`| \`${b.env}\` |`)).map((b) => b.env);
    expect(unnamed).toEqual([]);
  });

  it('gives every key a description in the schema', () => {
    const bare = configKeys().filter((k) => typeof k.schema.description !== 'string' || k.schema.description === '');
    expect(bare.map((k) => k.path.join('.'))).toEqual([]);
  });
});
