import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`, which .ci/run does); no browser is ever downloaded. */
export const CHROMIUM = process.env.MODELREG_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Screenshots land here (gitignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install it with "apt-get install -y --no-install-recommends chromium" (bash .ci/run does), or set MODELREG_TEST_CHROMIUM.`);
  }
  await mkdir(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}

/** Every error the page reports (uncaught exceptions, console errors, CSP violations), so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/** Navigates inside the app and waits until the page reports it has rendered; returns the milliseconds the navigation took. */
export async function visit(page: Page, url: string): Promise<number> {
  // A change of the #fragment only keeps the document: forget its last "ready" so the wait is for the new page.
  await page.evaluate('document.getElementById("view")?.removeAttribute("data-state")');
  const started = performance.now();
  await page.goto(url);
  await page.waitForSelector('#view[data-state="ready"]');
  return performance.now() - started;
}

/** Follows an in-app link and waits for the new page to render. */
export async function follow(page: Page, selector: string, expectedPage: string): Promise<void> {
  await page.click(selector);
  await page.waitForSelector(`#view[data-state="ready"][data-page="${expectedPage}"]`);
}

export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/** Waits until `selector` matches exactly `count` elements (the page's CSP forbids the string predicates of waitForFunction). */
export async function waitForCount(page: Page, selector: string, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await page.locator(selector).count()) !== count) {
    if (Date.now() > deadline) throw new Error(`Expected ${count} of ${selector}, found ${await page.locator(selector).count()}.`);
    await page.waitForTimeout(50);
  }
}
