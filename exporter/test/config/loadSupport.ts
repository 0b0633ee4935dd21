/** Shared helpers for the config loader tests (load*.test.ts). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config/load';

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-config-'));
}

export function issuesOf(fn: () => unknown): Array<{ key: string; message: string; origin?: string }> {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError');
}
