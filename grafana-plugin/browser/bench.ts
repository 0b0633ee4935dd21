/**
 * Benchmark in the browser harness (not a test): first render of 100 and 1,000 workspaces in both layouts and the cost
 * of one ticker update. Each first render is a fresh page load; one tick is timed with the clock moved a second on,
 * so every ticking node really changes. Prints medians.
 */
import { buildHarness, launchChromium, median, serveHarness } from './lib';

const PAGE_LOADS = Number(process.env.BENCH_RUNS ?? 7);
const TICKS = 30;
const GOALS = { renderMs: 300, tickMs: 16 };

async function main(): Promise<void> {
  buildHarness();
  const served = await serveHarness();
  const browser = await launchChromium();
  const rows: Array<Record<string, string | number>> = [];
  try {
    for (const count of [100, 1000]) {
      for (const layout of ['cards', 'compact'] as const) {
        const renders: number[] = [];
        const ticks: number[] = [];
        for (let run = 0; run < PAGE_LOADS; run++) {
          const page = await browser.context.newPage();
          await page.goto(`${served.url}?workspaces=${count}&layout=${layout}`);
          await page.waitForFunction(() => window.harness?.ready === true);
          renders.push(await page.evaluate(() => window.harness.initialRenderMs));
          ticks.push(
            ...(await page.evaluate((n) => {
              const tick = window.harness.tickCallbacks[window.harness.tickCallbacks.length - 1]!;
              const realNow = Date.now;
              let offsetMs = 0;
              Date.now = () => realNow() + offsetMs;
              const out: number[] = [];
              for (let i = 0; i < n; i++) {
                offsetMs += 1000;
                const t0 = performance.now();
                tick();
                void document.body.offsetHeight; // include the relayout the new text causes
                out.push(performance.now() - t0);
              }
              Date.now = realNow;
              return out;
            }, TICKS))
          );
          await page.close();
        }
        rows.push({
          workspaces: count,
          layout,
          'first render ms (median)': Number(median(renders).toFixed(1)),
          'first render ms (min-max)': `${Math.min(...renders).toFixed(1)}-${Math.max(...renders).toFixed(1)}`,
          'one tick ms (median)': Number(median(ticks).toFixed(2)),
          'one tick ms (max)': Number(Math.max(...ticks).toFixed(2)),
        });
      }
    }
  } finally {
    await browser.close();
    await served.close();
  }
  console.log(`Chromium headless, ${PAGE_LOADS} page loads per row, ${TICKS} ticks per load`);
  console.table(rows);
  const big = rows.find((r) => r.workspaces === 1000 && r.layout === 'cards')!;
  console.log(
    `goals: 1,000 cards first render <= ${GOALS.renderMs} ms -> ${big['first render ms (median)']} ms; ` +
      `one tick <= ${GOALS.tickMs} ms -> ${big['one tick ms (median)']} ms`
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
