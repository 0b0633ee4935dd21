/**
 * Catalog screenshots for plugin.json, taken from the panel in Chromium with the recorded exporter output and a
 * frozen clock, so the same build writes the same bytes.
 */
import fs from 'fs';
import path from 'path';

import { Browser, PLUGIN_DIR, buildHarness, launchChromium, serveHarness, Served } from './lib';

const SCREENSHOTS_DIR = path.join(PLUGIN_DIR, 'src', 'img', 'screenshots');
const FIXTURE = fs.readFileSync(path.join(__dirname, 'fixtures', 'exporter-metrics.prom'), 'utf8');
// the moment the fixture was recorded: the forecast and the idle ticker read as they did then
const recordedAtMs =
  1000 * Number(/^ada_carbon_grid_forecast_last_success_timestamp_seconds\{[^}]*\} (\S+)$/m.exec(FIXTURE)![1]);

let served: Served;
let browser: Browser;

beforeAll(async () => {
  buildHarness();
  served = await serveHarness();
  browser = await launchChromium();
  fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

async function shoot(theme: 'light' | 'dark'): Promise<Buffer> {
  const page = await browser.context.newPage();
  await page.clock.install({ time: recordedAtMs });
  await page.clock.pauseAt(recordedAtMs);
  await page.goto(`${served.url}?theme=${theme}`);
  await page.waitForFunction(() => window.harness?.ready === true);
  const png = await page.screenshot({ fullPage: true });
  await page.close();
  return png;
}

describe.each(['light', 'dark'] as const)('catalog screenshot, %s theme', (theme) => {
  it('is the same PNG every time it is taken, and is written for plugin.json', async () => {
    const first = await shoot(theme);
    const second = await shoot(theme);
    expect(first.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(second.equals(first)).toBe(true);
    fs.writeFileSync(path.join(SCREENSHOTS_DIR, `site-analysis-${theme}.png`), first);
  });
});
