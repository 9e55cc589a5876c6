import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, visit, waitForCount } from './support/browser.js';
import { localRegistry, seedLongLine, seedWideStore } from './support/seed.js';
import { type RunningUi, startUi } from './support/ui-process.js';

const VERSIONS = 1000;
const LINES = 1000;
const SMALL = 5;
const TIMINGS = fileURLToPath(new URL('../test-output/timings.json', import.meta.url));

/**
 * Big registries on the local backend: a line with 1,000 versions and a store with 1,000 lines.
 * Render times (navigation start until the table, and on a line's page its charts, are shown, by
 * the page's own clock, so the test driver's round trips do not count) are logged and written to
 * test-output/timings.json, never asserted: this machine's speed is not the code's behaviour.
 */
describe('modelreg ui on big registries', () => {
  let cwd: string;
  let ui: RunningUi;
  let browser: Browser;
  let page: Page;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'modelreg-ui-scale-'));
    const registry = localRegistry(cwd);
    await seedLongLine(registry, 'long/sales/xgb', VERSIONS);
    await registry.promote(`long/sales/xgb@${VERSIONS - 10}`, 'production');
    await seedWideStore(registry, 'wide', LINES);
    // Baselines measured in the same run: what a page costs on this machine with almost no data.
    await seedLongLine(registry, 'long/sales/small', SMALL);
    await seedWideStore(registry, 'tiny', SMALL);
    [ui, browser] = await Promise.all([startUi(cwd), launchBrowser()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 300_000);

  afterAll(async () => {
    const ratio = (big: number | undefined, small: number | undefined) => (big && small ? Number((big / small).toFixed(1)) : null);
    const ratios = { lineCold: ratio(timings.lineCold, timings.smallLineCold), lineWarm: ratio(timings.lineWarm, timings.smallLineWarm), storeCold: ratio(timings.storeCold, timings.smallStoreCold) };
    console.log(`modelreg ui render times (ms): ${JSON.stringify(timings)}; vs a ${SMALL}-version line / ${SMALL}-line store: ${JSON.stringify(ratios)}`);
    await mkdir(join(TIMINGS, '..'), { recursive: true });
    await writeFile(TIMINGS, `${JSON.stringify(timings, null, 2)}\n`);
    await browser?.close();
    await ui?.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  /** Loads `url` as a new document; the milliseconds from its navigation start until `selector` is on the page. */
  async function renderTime(url: string, selector: string): Promise<number> {
    await page.goto('about:blank');
    await visit(page, url);
    await page.waitForSelector(selector);
    return Math.round(await page.evaluate(() => performance.now()));
  }

  /** Until the version table and the rmse chart are both on the page. */
  function renderLine(type = 'xgb'): Promise<number> {
    return renderTime(`${ui.origin}/#/line?store=long&product=sales&type=${type}`, 'figure.chart[data-metric="rmse"] canvas');
  }

  /** Until the store's table of lines is on the page. */
  function renderStore(store: string): Promise<number> {
    return renderTime(`${ui.origin}/#/?store=${store}`, 'table.lines-table tbody tr');
  }

  it(`renders a line with ${VERSIONS} versions a page at a time, with every version in its charts`, async () => {
    // No catalog snapshot yet: the server reads every manifest once.
    timings.lineColdNoCatalog = await renderLine();
    expect(await page.locator('.pager .range').textContent()).toBe(`1-50 of ${VERSIONS.toLocaleString('en')}`);
    await waitForCount(page, 'table.versions-table tbody tr', 50);
    expect(await page.locator('table.versions-table tbody tr').first().getAttribute('data-version')).toBe(String(VERSIONS));
    expect(await page.locator('figure.chart[data-metric="rmse"]').getAttribute('data-points')).toBe(String(VERSIONS));
    expect(await page.locator('figure.chart[data-metric="auc"]').getAttribute('data-points')).toBe(String(VERSIONS));
    expect(await page.locator('figure.chart[data-metric="rmse"] li.marker[data-alias="production"]').getAttribute('data-version')).toBe(String(VERSIONS - 10));

    await page.click('.pager button.next');
    await page.waitForSelector(`table.versions-table tbody tr[data-version="${VERSIONS - 50}"]`);
    expect(await page.locator('.pager .range').textContent()).toBe(`51-100 of ${VERSIONS.toLocaleString('en')}`);
    // Sorting by a metric orders every version, not only the page: rmse falls with the version, so ascending starts at the newest.
    await page.click('th[data-sort="metric:rmse"] button');
    await page.click('th[data-sort="metric:rmse"] button');
    await page.waitForSelector('th[data-sort="metric:rmse"][aria-sort="ascending"]');
    expect(await page.locator('table.versions-table tbody tr').first().getAttribute('data-version')).toBe(String(VERSIONS));
    expect(await page.locator('.pager .range').textContent()).toBe(`1-50 of ${VERSIONS.toLocaleString('en')}`);
    await page.fill('input.filter', 'run=r77');
    await waitForCount(page, 'table.versions-table tbody tr', 11); // r77, r770 ... r779
    await screenshot(page, 'scale-line');
  });

  it(`renders the same line from the catalog, cold (a fresh server) and warm`, async () => {
    // What `modelreg stats`, `gc` and `reindex` (and the overview's counts) leave behind.
    await localRegistry(cwd).reindex();
    await ui.stop();
    ui = await startUi(cwd);
    timings.smallLineCold = await renderLine('small');
    expect(await page.locator('figure.chart[data-metric="rmse"]').getAttribute('data-points')).toBe(String(SMALL));
    timings.lineCold = await renderLine();
    expect(await page.locator('figure.chart[data-metric="rmse"]').getAttribute('data-points')).toBe(String(VERSIONS));
    await waitForCount(page, 'table.versions-table tbody tr', 50);
    timings.smallLineWarm = await renderLine('small');
    timings.lineWarm = await renderLine();
    expect(await page.locator('figure.chart[data-metric="rmse"]').getAttribute('data-points')).toBe(String(VERSIONS));
  });

  it(`renders a store with ${LINES} model lines a page at a time`, async () => {
    timings.smallStoreCold = await renderStore('tiny');
    timings.storeCold = await renderStore('wide');
    await waitForCount(page, 'table.lines-table tbody tr', 50);
    expect(await page.locator('.pager .range').textContent()).toBe(`1-50 of ${LINES.toLocaleString('en')}`);
    expect(await page.locator('table.lines-table tbody tr').first().getAttribute('data-line')).toBe('wide/product-00/type-0000');
    expect(await page.locator('select.product option').count()).toBe(11);

    await page.selectOption('select.product', 'product-03');
    await page.waitForSelector('.pager .range:text("1-50 of 100")');
    await page.fill('input.filter', 'type-0993');
    await waitForCount(page, 'table.lines-table tbody tr', 1);
    expect(await page.locator('table.lines-table tbody tr').getAttribute('data-line')).toBe('wide/product-03/type-0993');
    await page.waitForSelector('dd[data-stat="versions"]', { timeout: 60_000 });
    expect(await page.locator('dd[data-stat="versions"]').textContent()).toBe(String(VERSIONS + LINES + 2 * SMALL));
    await screenshot(page, 'scale-store');
    timings.storeWarm = await renderStore('wide');
  });
});
