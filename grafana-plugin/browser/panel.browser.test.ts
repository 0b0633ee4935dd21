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
    expect(numberIn(await page.getByTestId('adacarbon-total-ticker').textContent())).toBeGreaterThanOrEqual(idleKwh);
  });

  it('a workspace without an idle ratio yet says "no data" instead of a number', async () => {
    const fresh = page.locator('[data-testid="adacarbon-card"][data-level="unknown"]');
    await expect(fresh.count()).resolves.toBe(1);
    await expect(fresh.getByTestId('adacarbon-card-idleRatio').textContent()).resolves.toBe('—');
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
