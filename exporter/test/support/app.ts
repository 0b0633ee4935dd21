import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { loadConfig, type LoadedConfig } from '../../src/config';
import { buildApp, type AppOptions } from '../../src/app';

const created: string[] = [];

/** A fresh temp dir, removed after the test file that made it (when run under jest). */
export function tempDir(prefix = 'ada-carbon-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

// registered from the test file's module scope, so it runs once that file's own afterAll hooks have closed everything
if (typeof afterAll === 'function') {
  afterAll(() => {
    for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
}

/** A real, validated config: YAML written to a temp dir and loaded the way the CLI loads it. */
export function testConfig(yaml: Record<string, unknown>, dir = tempDir()): LoadedConfig {
  const file = path.join(dir, 'ada-carbon.yaml');
  const body = { store: { sqlite: { path: path.join(dir, 'store.sqlite') } }, logLevel: 'silent', ...yaml };
  fs.writeFileSync(file, YAML.stringify(body));
  return loadConfig({ file, cwd: dir, env: {} });
}

export async function testApp(loaded: LoadedConfig, opts: Omit<AppOptions, 'loaded'> = {}) {
  const app = await buildApp({ loaded, ...opts });
  await app.ready();
  return app;
}

/** Parses the exposition text into name{labels} -> value for assertions. */
export function parseExposition(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

/** Sum of the samples of a family whose label text contains every fragment. */
export function sumOf(samples: Map<string, number>, name: string, ...fragments: string[]): number {
  let total = 0;
  for (const [k, v] of samples) {
    if ((k === name || k.startsWith(`${name}{`)) && fragments.every((f) => k.includes(f))) total += v;
  }
  return total;
}
