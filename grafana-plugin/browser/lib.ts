/** Shared by the browser test and the benchmark: build the harness, serve it on loopback, drive Debian's Chromium. */
import { execFileSync } from 'child_process';
import fs from 'fs';
import http from 'http';
import { AddressInfo } from 'net';
import os from 'os';
import path from 'path';
import { BrowserContext, chromium } from 'playwright-core';

export const PLUGIN_DIR = path.resolve(__dirname, '..');
export const HARNESS_DIST = path.join(PLUGIN_DIR, '.harness-dist');
export const ARTIFACTS_DIR = path.resolve(PLUGIN_DIR, '..', 'artifacts', 'panel');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function buildHarness(): void {
  execFileSync(
    'npx',
    [
      'webpack',
      '-c',
      'browser/webpack.harness.config.js',
      ...(process.env.HARNESS_PROFILE ? ['--env', 'profile'] : []),
    ],
    { cwd: PLUGIN_DIR, stdio: 'pipe' }
  );
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.svg': 'image/svg+xml' };

export interface Served {
  url: string;
  close: () => Promise<void>;
}

export async function serveHarness(): Promise<Served> {
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(HARNESS_DIST, urlPath === '/' ? 'index.html' : urlPath);
    if (!file.startsWith(HARNESS_DIST) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface Browser {
  context: BrowserContext;
  close: () => Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'adacarbon-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1340, height: 940 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
