import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { tempDirPerBlock } from '@modelreg/core/testing';
import type { Browser } from 'playwright-core';
import { CONTENT_SECURITY_POLICY } from '../src/index.js';
import { launchBrowser, screenshot, visit, watchErrors } from './support/browser.js';
import { localRegistry } from './support/seed.js';
import { startUi } from './support/ui-process.js';

// Each payload sets window.__xss if it ever runs: as markup, as an attribute, or as a URL.
const HTML_TAG = '<img src=x onerror="window.__xss=\'tag\'">';
const HTML_METRIC = '<script>window.__xss="metric"</script>';
const HTML_DESCRIPTION = '<svg onload="window.__xss=\'description\'"></svg><a href="javascript:window.__xss=1">x</a>';

describe('modelreg ui security', () => {
  const cwd = tempDirPerBlock('ui-security');
  let browser: Browser;

  beforeAll(async () => {
    const registry = localRegistry(cwd.path);
    for (const version of [1, 2]) {
      await registry.push('shop/xss/evil', [{ name: 'model.bin', body: Buffer.from(`v${version}`) }], {
        description: HTML_DESCRIPTION,
        tags: { [HTML_TAG]: HTML_TAG, note: HTML_TAG },
        metrics: { [HTML_METRIC]: version, rmse: 1 / version },
        params: { [HTML_TAG]: { nested: HTML_METRIC } },
      });
    }
    await registry.promote('shop/xss/evil@2', 'production', { reason: HTML_DESCRIPTION });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows HTML and script from manifests as text on every page and runs none of it', async () => {
    const ui = await startUi(cwd.path);
    try {
      const page = await browser.newPage();
      const errors = watchErrors(page);
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      const line = 'store=shop&product=xss&type=evil';
      for (const path of ['/', `/#/line?${line}`, `/#/version?${line}&version=2`, `/#/compare?a=shop/xss/evil@1&b=shop/xss/evil@2`]) {
        await visit(page, `${ui.origin}${path}`);
        await page.waitForSelector('.loading', { state: 'detached' });
        // Markup from a manifest never became elements: the only scripts are the page's own two.
        expect(await page.locator('img, svg[onload], a[href^="javascript"]').count()).toBe(0);
        expect(await page.locator('script').count()).toBe(2);
        expect(await page.evaluate('window.__xss')).toBeUndefined();
      }
      await page.goto(`${ui.origin}/#/version?${line}&version=2`);
      await page.waitForSelector('#view[data-state="ready"]');
      expect(await page.locator('.description').textContent()).toBe(HTML_DESCRIPTION);
      expect(await page.locator('table.kv th').allTextContents()).toEqual(expect.arrayContaining([HTML_METRIC, HTML_TAG]));
      await page.goto(`${ui.origin}/#/line?${line}`);
      await page.waitForSelector('ol.timeline');
      expect(await page.locator('ol.timeline .reason').textContent()).toBe(` - ${HTML_DESCRIPTION}`);
      expect(await page.locator('figure.chart').first().getAttribute('data-metric')).toBe(HTML_METRIC);
      expect(await page.locator('td.tags').first().textContent()).toBe(`${HTML_TAG}=${HTML_TAG}, note=${HTML_TAG}`);
      await screenshot(page, 'security-escaped');
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await ui.stop();
    }
  });

  it('is read-only, sends a strict CSP, and on loopback answers only to loopback host names', async () => {
    const ui = await startUi(cwd.path);
    try {
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
        for (const path of ['/', '/api/stats', '/api/artifact?store=shop&product=xss&type=evil&version=1&name=model.bin']) {
          const response = await fetch(`${ui.origin}${path}`, { method });
          expect([method, path, response.status, response.headers.get('allow')]).toEqual([method, path, 405, 'GET, HEAD']);
        }
      }
      for (const path of ['/', '/api/stores', '/app/main.js', '/no/such/page']) {
        expect((await fetch(`${ui.origin}${path}`)).headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      }
      expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
      expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
      // A page elsewhere that points its own domain name at 127.0.0.1 (DNS rebinding) gets nothing.
      const rebound = await rawGet(ui.origin, '/api/stores', { host: 'attacker.example:80' });
      expect(rebound.status).toBe(421);
      expect((await rawGet(ui.origin, '/api/stores', { host: `localhost:${new URL(ui.origin).port}` })).status).toBe(200);
      // The artifact route serves bytes as a download, never as a page.
      const download = await fetch(`${ui.origin}/api/artifact?store=shop&product=xss&type=evil&version=1&name=model.bin`);
      expect([download.headers.get('content-type'), download.headers.get('content-disposition'), await download.text()]).toEqual([
        'application/octet-stream', 'attachment; filename="model.bin"; filename*=UTF-8\'\'model.bin', 'v1',
      ]);
      expect(ui.url).not.toContain('token');
    } finally {
      await ui.stop();
    }
  });

  it('requires the access token when listening beyond loopback, and a browser opening the printed URL keeps it in a cookie', async () => {
    const ui = await startUi(cwd.path, ['--host', '0.0.0.0']);
    try {
      const token = new URL(ui.url).searchParams.get('token')!;
      expect(token.length).toBeGreaterThanOrEqual(22);
      expect(ui.stdout()).toContain('access token');
      expect((await fetch(`${ui.origin}/api/stores`)).status).toBe(401);
      expect((await fetch(`${ui.origin}/`)).status).toBe(401);
      expect((await fetch(`${ui.origin}/api/stores`, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
      expect((await fetch(`${ui.origin}/api/stores`, { headers: { cookie: `modelreg_ui=${token.slice(0, -1)}` } })).status).toBe(401);
      expect((await fetch(`${ui.origin}/api/stores`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

      const context = await browser.newContext();
      const page = await context.newPage();
      await visit(page, `${ui.origin}/?token=${token}`);
      expect(new URL(page.url()).search).toBe(''); // the token left the address bar
      expect(await page.locator('a.store').allTextContents()).toEqual(['shop']);
      const [cookie] = await context.cookies();
      expect([cookie?.name, cookie?.httpOnly, cookie?.sameSite]).toEqual(['modelreg_ui', true, 'Strict']);
      await context.close();

      const stranger = await browser.newPage();
      const response = await stranger.goto(`${ui.origin}/`);
      expect(response?.status()).toBe(401);
      await stranger.close();
    } finally {
      await ui.stop();
    }
  });

  it('takes a given token, and refuses one too short to be secret', async () => {
    const token = 'a-given-token-of-enough-length';
    const ui = await startUi(cwd.path, ['--host', '0.0.0.0'], { MODELREG_UI_TOKEN: token });
    try {
      expect(new URL(ui.url).searchParams.get('token')).toBe(token);
      expect((await fetch(`${ui.origin}/api/stores`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await ui.stop();
    }
    await expect(startUi(cwd.path, ['--host', '0.0.0.0', '--token', 'short'])).rejects.toThrow(/token: must be at least 22 characters/);
  });

  it('cuts the download of an artifact whose stored bytes no longer match their digest', async () => {
    const content = Buffer.alloc(1024 * 1024, 7); // many chunks: the damage is in the last one
    const { manifest } = await localRegistry(cwd.path).push('shop/corrupt/model', [{ name: 'model.bin', body: content }]);
    const hex = manifest.artifacts[0]!.digest.slice('sha256:'.length);
    const blob = (await readdir(join(cwd.path, '.modelreg'), { recursive: true })).find((path) => path.endsWith(hex))!;
    const damaged = Buffer.from(content);
    damaged[damaged.length - 1]! ^= 1;
    await writeFile(join(cwd.path, '.modelreg', blob), damaged);
    const ui = await startUi(cwd.path);
    try {
      const response = await fetch(`${ui.origin}/api/artifact?store=shop&product=corrupt&type=model&version=1&name=model.bin`);
      expect(response.status).toBe(200); // the headers leave before the last byte can be checked
      await expect(response.arrayBuffer()).rejects.toThrow();

      const page = await browser.newPage();
      await visit(page, `${ui.origin}/#/version?store=shop&product=corrupt&type=model&version=1`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('tr[data-artifact="model.bin"] a.download')]);
      expect(await download.failure()).not.toBeNull();
      await page.close();
    } finally {
      await ui.stop();
    }
  });

  it('never shows a credential of the registry URL: not in the printed text, not in API answers or errors', async () => {
    const secret = 'c2VjcmV0LWFjY291bnQta2V5LXRoYXQtbXVzdC1uZXZlci1sZWFr';
    // Port 9 on loopback: nothing listens, so every registry read fails and its error is served.
    const connection = `DefaultEndpointsProtocol=http;AccountName=devaccount;AccountKey=${secret};BlobEndpoint=http://127.0.0.1:9/devaccount;Container=models`;
    const ui = await startUi(cwd.path, ['--registry', connection]);
    try {
      expect(ui.stdout()).not.toContain(secret);
      // In parallel: the Azure SDK retries each failed read for a while before giving up.
      const answers = await Promise.all(
        ['/api/stores', '/api/stats', '/api/versions?store=a&product=b&type=c'].map(async (path) => {
          const response = await fetch(`${ui.origin}${path}`);
          return { status: response.status, body: await response.text() };
        }),
      );
      for (const { status, body } of answers) {
        expect(status).toBeGreaterThanOrEqual(400);
        expect(body).not.toContain(secret);
      }
    } finally {
      await ui.stop();
    }
  });
});

/** A GET with headers fetch will not set (Host). */
async function rawGet(origin: string, path: string, headers: Record<string, string>): Promise<{ status: number }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const call = request(`${origin}${path}`, { headers }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0 });
    });
    call.on('error', reject);
    call.end();
  });
}
