/**
 * The panel in a real Chromium, with real @grafana/ui and @grafana/data, fed with recorded exporter output.
 * Screenshots go to artifacts/panel/ at the project root.
 */
import fs from 'fs';
import path from 'path';
import type { Page } from 'playwright-core';

import { ARTIFACTS_DIR, Browser, buildHarness, launchChromium, serveHarness, Served } from './lib';

const FIXTURE = fs.readFileSync(path.join(__dirname, 'fixtures', 'exporter-metrics.prom'), 'utf8');

/** Sum of a metric's values in the fixture, read independently of the panel's parser. */
function fixtureSum(metric: string, state?: string): number {
  return FIXTURE.split('\n')
    .filter((l) => l.startsWith(`${metric}{`) && (state === undefined || l.includes(`state="${state}"`)))
    .reduce((acc, l) => acc + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}
const workspaceCount = FIXTURE.split('\n').filter((l) => l.startsWith('ada_carbon_workspace_power_watts{')).length;
/** Values of a metric's samples whose label text contains every fragment, in file order. */
function fixtureValues(metric: string, ...fragments: string[]): number[] {
  return FIXTURE.split('\n')
    .filter((l) => l.startsWith(`${metric}{`) && fragments.every((f) => l.includes(f)))
    .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
}
const firstArea = /^ada_carbon_grid_intensity_forecast_grams_per_kilowatt_hour\{area="([^"]+)"/m.exec(FIXTURE)![1]!;
const recordedAtSeconds = Math.max(...fixtureValues('ada_carbon_grid_forecast_last_success_timestamp_seconds'));
const hhmmUtc = (seconds: number) => new Date(seconds * 1000).toISOString().slice(11, 16);
const numberIn = (text: string | null) => Number((text ?? '').replace(/[^0-9.]/g, ''));

let served: Served;
let browser: Browser;

beforeAll(async () => {
  buildHarness();
  served = await serveHarness();
  browser = await launchChromium();
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

async function open(query: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // 'Failed to load resource' console lines carry no URL; the response handler records which one failed.
  page.on(
    'console',
    (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(m.text())
  );
  // Grafana serves its Inter font from its own public/ folder, which no npm package ships; the harness falls back
  // to a system font, so those two requests are expected to fail.
  page.on('response', (r) => {
    if (r.status() >= 400 && !/\/public\/fonts\//.test(r.url())) {
      errors.push(`${r.status()} ${r.url()}`);
    }
  });
  await page.goto(`${served.url}?${query}`);
  await page.waitForFunction(() => window.harness?.ready === true);
  return { page, errors };
}

describe.each(['light', 'dark'] as const)('panel in Chromium, %s theme', (theme) => {
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ page, errors } = await open(`theme=${theme}`));
  });
  afterAll(async () => {
    await page.getByLabel('Filter workspaces by user or machine').blur();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, `panel-${theme}.png`), fullPage: true });
    await page.getByTestId('adacarbon-green').screenshot({ path: path.join(ARTIFACTS_DIR, `forecast-${theme}.png`) });
    await page.close();
  });

  it('renders one card per recorded workspace', async () => {
    expect(workspaceCount).toBe(12);
    await expect(page.getByTestId('adacarbon-card').count()).resolves.toBe(workspaceCount);
    const hosts = await page.getByTestId('adacarbon-card-host').allTextContents();
    expect(new Set(hosts).size).toBe(workspaceCount);
  });

  it('shows the totals of the recorded output', async () => {
    const text = (id: string) => page.getByTestId(`adacarbon-total-${id}`).textContent();
    expect(await text('workspaces')).toBe(String(workspaceCount));
    const busyKwh = fixtureSum('ada_carbon_workspace_energy_joules_total', 'busy') / 3.6e6;
    expect(await text('busy-energy')).toBe(`${busyKwh.toFixed(2)} kWh`);
    const kg = fixtureSum('ada_carbon_workspace_emissions_grams_total') / 1000;
    expect(await text('carbon')).toBe(`${kg.toFixed(2)} kgCO₂e`);
    const idleKwh = fixtureSum('ada_carbon_workspace_energy_joules_total', 'idle') / 3.6e6;
    // the ticker shows the counter rounded to its last digit, never less than the recorded value minus that rounding
    const shown = (await page.getByTestId('adacarbon-total-ticker').textContent()) ?? '';
    const decimals = (/\.(\d+)/.exec(shown)?.[1] ?? '').length;
    expect(numberIn(shown)).toBeGreaterThanOrEqual(idleKwh - 0.5 * 10 ** -decimals);
  });

  it('flags the cards by the idle thresholds of the recorded idle ratios', async () => {
    const ratios = fixtureValues('ada_carbon_workspace_idle_ratio');
    const count = (level: string) => page.locator(`[data-testid="adacarbon-card"][data-level="${level}"]`).count();
    await expect(count('critical')).resolves.toBe(ratios.filter((r) => r >= 0.9).length);
    await expect(count('warning')).resolves.toBe(ratios.filter((r) => r >= 0.5 && r < 0.9).length);
    await expect(count('ok')).resolves.toBe(ratios.filter((r) => r < 0.5).length);
  });

  it('draws the recorded 48 h forecast with the greenest windows in green', async () => {
    const strip = page.getByTestId('adacarbon-forecast');
    await expect(strip.getByTestId('adacarbon-forecast-area').textContent()).resolves.toBe(firstArea);
    const forecast = fixtureValues('ada_carbon_grid_intensity_forecast_grams_per_kilowatt_hour', `area="${firstArea}"`);
    await expect(strip.getByTestId('adacarbon-forecast-slot').count()).resolves.toBe(forecast.length);
    // the green half-hours are the union of the recorded windows, from their start times and durations
    const base = recordedAtSeconds - (recordedAtSeconds % 1800);
    const expected = new Set<number>();
    for (const [duration, hours] of [
      ['1h', 1],
      ['3h', 3],
      ['8h', 8],
    ] as const) {
      const [start] = fixtureValues(
        'ada_carbon_grid_greenest_window_start_timestamp_seconds',
        `area="${firstArea}"`,
        `duration="${duration}"`
      );
      for (let i = 0; i < hours * 2; i++) {
        expected.add((start! - base) / 60 + i * 30);
      }
    }
    const green = await strip
      .locator('[data-testid="adacarbon-forecast-slot"][data-green="true"]')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-offset'))));
    expect(green).toEqual([...expected].sort((a, b) => a - b));
    const box = await strip.getByTestId('adacarbon-forecast-chart').boundingBox();
    expect(box!.height).toBeGreaterThan(60);
  });

  it('gives the recorded advice and idle-shutdown savings beside the totals', async () => {
    const lines = await page.getByTestId('adacarbon-advice-line').allTextContents();
    const [start] = fixtureValues(
      'ada_carbon_grid_greenest_window_start_timestamp_seconds',
      `area="${firstArea}"`,
      'duration="3h"'
    );
    const [saving] = fixtureValues(
      'ada_carbon_grid_greenest_window_saving_ratio',
      `area="${firstArea}"`,
      'duration="3h"'
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      new RegExp(
        `^Start a 3 h job (tomorrow )?at ${hhmmUtc(start!)} to cut its carbon by ${Math.round(saving! * 100)}%$`
      )
    );
    const idle = fixtureSum('ada_carbon_idle_workspaces');
    const kg = fixtureSum('ada_carbon_idle_shutdown_projected_daily_saving_grams') / 1000;
    const kwh = fixtureSum('ada_carbon_idle_shutdown_projected_daily_saving_joules') / 3.6e6;
    await expect(page.getByTestId('adacarbon-idle-savings').textContent()).resolves.toBe(
      `Shutting down ${idle} idle workspace${idle === 1 ? '' : 's'} would save ${kg.toFixed(2)} kgCO₂e and ${kwh.toFixed(2)} kWh per day.`
    );
  });

  it('shows no data-issues notice for clean exporter output', async () => {
    await expect(page.getByTestId('adacarbon-data-issues').count()).resolves.toBe(0);
  });

  it('the idle ticker advances in the totals and on the cards', async () => {
    const total = page.getByTestId('adacarbon-total-ticker');
    const card = page.getByTestId('adacarbon-card-ticker').first();
    const [t0, c0] = [numberIn(await total.textContent()), numberIn(await card.textContent())];
    await page.waitForTimeout(2200);
    const [t1, c1] = [numberIn(await total.textContent()), numberIn(await card.textContent())];
    expect(t1).toBeGreaterThan(t0);
    expect(c1).toBeGreaterThan(c0);
  });

  it('uses the theme: page and panel colours follow the mode', async () => {
    const luminance = await page.evaluate(() => {
      const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g)!.map(Number);
      return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
    });
    if (theme === 'dark') {
      expect(luminance).toBeLessThan(0.3);
    } else {
      expect(luminance).toBeGreaterThan(0.7);
    }
  });

  it('filters in the real DOM', async () => {
    await page.getByLabel('Filter workspaces by user or machine').fill('matlab');
    const machines = await page.getByTestId('adacarbon-card').locator('h3').allTextContents();
    expect(machines.length).toBeGreaterThan(0);
    expect(machines.every((m) => m.toLowerCase().includes('matlab'))).toBe(true);
    await page.getByLabel('Filter workspaces by user or machine').fill('');
    await expect(page.getByTestId('adacarbon-card').count()).resolves.toBe(workspaceCount);
  });

  it('logs no errors', () => {
    expect(errors).toEqual([]);
  });
});

it('the area option picks the regional forecast when both are present', async () => {
  const { page, errors } = await open('theme=dark&area=regional');
  await expect(page.getByTestId('adacarbon-forecast-area').textContent()).resolves.toBe('regional');
  const [saving] = fixtureValues('ada_carbon_grid_greenest_window_saving_ratio', 'area="regional"', 'duration="1h"');
  const first = await page.getByTestId('adacarbon-advice-line').first().textContent();
  expect(first).toMatch(new RegExp(`(cut its carbon by ${Math.round(saving! * 100)}%|Now is the greenest time)`));
  expect(errors).toEqual([]);
  await page.close();
});

it('compact layout for a few hundred workspaces', async () => {
  const { page, errors } = await open('theme=dark&workspaces=300');
  await expect(page.getByTestId('adacarbon-total-workspaces').textContent()).resolves.toBe('300');
  await expect(page.getByRole('table', { name: 'Workspaces' }).getAttribute('aria-rowcount')).resolves.toBe('301');
  // virtualised: a screenful of rows is mounted, and scrolling to the end brings the last ones in
  const mounted = await page.getByTestId('adacarbon-row').count();
  expect(mounted).toBeGreaterThan(20);
  expect(mounted).toBeLessThan(80);
  await page.getByTestId('adacarbon-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await page.waitForFunction(() => {
    const rows = document.querySelectorAll('[data-testid="adacarbon-row"]');
    return rows[rows.length - 1]?.getAttribute('aria-rowindex') === '301';
  });
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'panel-compact-dark.png') });
  expect(errors).toEqual([]);
  await page.close();
});

it('"my workspaces" mode: cards from the REST workspace rows, the idle ticker running', async () => {
  const { page, errors } = await open('theme=dark&mode=user');
  await expect(page.getByTestId('adacarbon-card').count()).resolves.toBe(2);
  const card = page.getByRole('listitem', { name: 'Artemis (Matlab) on host-1, user alice' });
  await expect(card.getByTestId('adacarbon-card-busyEnergy').textContent()).resolves.toBe('0.50 kWh');
  await expect(page.getByTestId('adacarbon-total-workspaces').textContent()).resolves.toBe('2');
  const ticker = card.getByTestId('adacarbon-card-ticker');
  const before = numberIn(await ticker.textContent());
  expect(before).toBeCloseTo(1.5, 2);
  await page.waitForTimeout(2200);
  expect(numberIn(await ticker.textContent())).toBeGreaterThan(before);
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'panel-user-dark.png') });
  expect(errors).toEqual([]);
  await page.close();
});
