import fs from 'node:fs';
import path from 'node:path';
import { envBindings } from '../../exporter/src/config/env';

const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/configuration.md'), 'utf8');

describe('docs/configuration.md', () => {
  it('documents every configuration key', () => {
    const keys = envBindings().map((b) => b.path.join('.'));
    const missing = keys.filter((k) => !doc.includes(`\`${k}\``));
    expect(missing).toEqual([]);
  });
});
