import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { follow, launchBrowser, screenshot, visit, waitForCount, watchErrors } from './support/browser.js';
import { localRegistry, modelBytes, seedShop } from './support/seed.js';
import { type RunningUi, startUi } from './support/ui-process.js';

const BIN = fileURLToPath(new URL('../../cli/bin/modelreg.js', import.meta.url));

/** `modelreg <args> --json` in `cwd`: what the CLI says, to hold the web view's API against. */
async function cliJson(cwd: string, ...args: string[]): Promise<any> {
  const { stdout } = await promisify(execFile)(process.execPath, [BIN, ...args, '--json'], { cwd, env: { ...process.env, MODELREG_REGISTRY: '' } });
  return JSON.parse(stdout);
}

describe('modelreg ui in a browser: overview -> line -> version -> compare', () => {
  let cwd: string;
  let ui: RunningUi;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'modelreg-ui-'));
    await seedShop(localRegistry(cwd));
    [ui, browser] = await Promise.all([startUi(cwd), launchBrowser()]);
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    errors = watchErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  it('shows the stores, the model lines with version counts and aliases, and the registry stats', async () => {
    await visit(page, ui.url);
    expect(await page.locator('a.store').allTextContents()).toEqual(['shop']);
    const rows = page.locator('table.lines-table tbody tr');
    expect(await rows.count()).toBe(3);
    const xgb = page.locator('tr[data-line="shop/sales/xgb"]');
    expect(await xgb.locator('td').nth(1).textContent()).toBe('5');
    expect(await xgb.locator('td').nth(2).textContent()).toBe('v5');
    expect(await xgb.locator('.badge').allTextContents()).toEqual(['production', 'staging']);
    await page.waitForSelector('dl.stats');
    expect(await page.locator('dd[data-stat="versions"]').textContent()).toBe('8');
    expect(await page.locator('dd[data-stat="model lines"]').textContent()).toBe('3');
    await screenshot(page, '1-overview');
  });

  it('shows a line: a sortable table of its versions, one chart per metric with the production marker, and the alias history', async () => {
    await follow(page, 'tr[data-line="shop/sales/xgb"] td:first-child a', 'line');
    const versionCells = () => page.locator('table.versions-table tbody tr td:nth-child(2)').allTextContents();
    expect(await versionCells()).toEqual(['v5', 'v4', 'v3', 'v2', 'v1']);
    expect(await page.locator('tr[data-version="3"] .badge').allTextContents()).toEqual(['production']);
    expect(await page.locator('tr[data-version="1"] td[data-metric="rmse"]').textContent()).toBe('0.45');

    // Sorting by rmse ascending puts the best (lowest) first.
    await page.click('th[data-sort="metric:rmse"] button');
    await page.waitForSelector('th[data-sort="metric:rmse"][aria-sort="descending"]');
    await page.click('th[data-sort="metric:rmse"] button');
    await page.waitForSelector('th[data-sort="metric:rmse"][aria-sort="ascending"]');
    expect(await versionCells()).toEqual(['v5', 'v4', 'v3', 'v2', 'v1']);
    // The filter narrows by tag.
    await page.fill('input.filter', 'git=abc2');
    await waitForCount(page, 'table.versions-table tbody tr', 1);
    expect(await versionCells()).toEqual(['v2']);

    await page.waitForSelector('figure.chart canvas');
    const charts = page.locator('figure.chart');
    expect(await charts.evaluateAll((figures) => figures.map((figure) => [figure.getAttribute('data-metric'), figure.getAttribute('data-points')]))).toEqual([['auc', '5'], ['rmse', '5']]);
    const production = page.locator('figure.chart[data-metric="rmse"] li.marker[data-alias="production"]');
    expect(await production.getAttribute('data-version')).toBe('3');
    expect(await production.textContent()).toContain('production: v3 (0.35)');
    // uPlot's legend follows the cursor: hovering the chart's right edge reads the latest version's value.
    const plot = page.locator('figure.chart[data-metric="rmse"] .u-over');
    const box = (await plot.boundingBox())!;
    await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2);
    expect(await page.locator('figure.chart[data-metric="rmse"] .u-legend .u-series').nth(1).locator('.u-value').textContent()).toBe('0.25');

    await page.waitForSelector('ol.timeline');
    const events = await page.locator('ol.timeline li').allTextContents();
    expect(events).toHaveLength(3);
    expect(events[0]).toContain('staging set to v5 - candidate');
    expect(events[1]).toContain('production set to v3 by alice - rmse 0.35 beats 0.40');
    expect(await page.locator('ol.timeline li').nth(1).locator('.by').textContent()).toBe(' by alice');
    expect(events[2]).toContain('production set to v2 - first model to beat the baseline');
    await page.fill('input.filter', '');
    await waitForCount(page, 'table.versions-table tbody tr', 5);
    await page.mouse.move(0, 0);
    await screenshot(page, '2-line');
  });

  it('shows a version: details, artifacts, lineage edges both ways, and downloads an artifact verified', async () => {
    await follow(page, 'tr[data-version="3"] td:nth-child(2) a', 'version');
    expect(await page.locator('h1').textContent()).toBe('shop/sales/xgb@3 production');
    expect(await page.locator('.description').textContent()).toBe('xgboost retrain 3');
    expect(await page.locator('tr[data-param="max_depth"] td').textContent()).toBe('5');
    expect(await page.locator('tr[data-tag="git"] td').textContent()).toBe('abc3');
    expect(await page.locator('.details dd').nth(1).textContent()).toBe('2026-01-01 to 2026-03-28');
    const artifacts = page.locator('table.artifacts tbody tr');
    expect(await artifacts.evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].slice(0, 3).map((cell) => cell.textContent)))).toEqual([
      ['model.bin', 'model', '-'],
      ['encoder.json', 'encoder', '-'],
      ['folds/0/model.bin', 'model', '0'],
    ]);
    expect(await page.locator('tr[data-artifact="folds/0/model.bin"] td').nth(5).textContent()).toBe('encoder.json');

    await page.waitForSelector('svg.lineage');
    expect(await edges(page)).toEqual([['shop/sales/xgb@3', 'shop/sales/stack@1', 'source']]);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('tr[data-artifact="model.bin"] a.download')]);
    expect(download.suggestedFilename()).toBe('model.bin');
    expect((await readFile((await download.path())!)).equals(modelBytes('xgb', 3))).toBe(true);
    await screenshot(page, '3-version');

    await follow(page, 'svg.lineage a.node[data-ref="shop/sales/stack@1"]', 'version');
    await page.waitForSelector('svg.lineage');
    expect(await edges(page)).toEqual([
      ['shop/sales/xgb@3', 'shop/sales/stack@1', 'source'],
      ['shop/sales/lgbm@2', 'shop/sales/stack@1', 'source'],
    ]);
    await screenshot(page, '4-stack-lineage');
  });

  it('compares two versions with the same result as modelreg compare', async () => {
    await page.goto(`${ui.origin}/#/line?store=shop&product=sales&type=xgb`);
    await page.waitForSelector('#view[data-state="ready"][data-page="line"]');
    await page.check('tr[data-version="2"] input[type="checkbox"]');
    await page.check('tr[data-version="5"] input[type="checkbox"]');
    await follow(page, 'button.compare-picked', 'compare');
    expect(await page.locator('tr[data-metric="rmse"]').getAttribute('data-winner')).toBe('b');
    expect(await page.locator('tr[data-metric="rmse"] td').nth(3).textContent()).toBe('-0.15');
    expect(await page.locator('tr[data-metric="auc"] td.win').textContent()).toBe('0.8');
    expect(await page.locator('tr[data-tag="git"] td').allTextContents()).toEqual(['tag git', 'abc2', 'abc5']);
    expect(await page.locator('tr[data-artifact="encoder.json"]').getAttribute('data-change')).toBe('unchanged');
    expect(await page.locator('tr[data-artifact="model.bin"]').getAttribute('data-change')).toBe('changed');
    await screenshot(page, '5-compare');

    const api = await (await fetch(`${ui.origin}/api/compare?a=shop/sales/xgb@2&b=shop/sales/xgb@5`)).json();
    expect(api).toEqual(await cliJson(cwd, 'compare', 'shop/sales/xgb@2', 'shop/sales/xgb@5'));
    expect(errors).toEqual([]);
  });

  it('serves the same documents as the CLI --json output', async () => {
    const get = async (path: string) => (await fetch(`${ui.origin}${path}`)).json() as Promise<any>;
    const line = 'store=shop&product=sales&type=xgb';
    const versions = await get(`/api/versions?${line}`);
    const cliVersions = await cliJson(cwd, 'versions', 'shop/sales/xgb');
    expect(versions.versions).toEqual([...cliVersions.versions].reverse());
    expect(versions.aliases).toEqual(cliVersions.aliases);
    expect(await get(`/api/aliases?${line}`)).toEqual(await cliJson(cwd, 'alias', 'ls', 'shop/sales/xgb'));
    expect(await get(`/api/info?${line}&version=production`)).toEqual(await cliJson(cwd, 'info', 'shop/sales/xgb@production'));
    expect(await get(`/api/lineage?${line}&version=3&direction=dependents`)).toEqual(await cliJson(cwd, 'lineage', 'shop/sales/xgb@3', '--dependents'));
    const { types, total } = await get('/api/lines?store=shop');
    expect({ types, total }).toEqual({ types: (await cliJson(cwd, 'types', 'shop')).types, total: 3 });
    const stats = await get('/api/stats');
    expect(stats).toEqual(await cliJson(cwd, 'stats'));
  });
});

function edges(page: Page): Promise<string[][]> {
  return page.locator('svg.lineage line.edge').evaluateAll((lines) => lines.map((line) => ['data-from', 'data-to', 'data-role'].map((name) => line.getAttribute(name)!)));
}
