import { createRegistry } from '@modelreg/core';
import { LocalStore } from '@modelreg/backend-local';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
const root = '/tmp/uiprobe/reg';
const r = createRegistry({ backend: new LocalStore({ root }) });
if (!(await r.versions('long/sales/small').catch(() => [])).length) for (let v = 0; v < 5; v++) await r.push('long/sales/small', [{ name: 'model.bin', body: Buffer.from('m' + v) }], { metrics: { rmse: v, mae: v } });
await r.promote('long/sales/small@latest');
const child = spawn(process.execPath, ['../cli/bin/modelreg.js', 'ui', '--port', '0', '--registry', root], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((res) => child.stdout.on('data', (d) => { const m = /http:\/\/\S+/.exec(String(d)); if (m) res(m[0]); }));
const origin = new URL(url).origin;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
for (let i = 0; i < 3; i++) {
  await page.goto('about:blank');
  const t = performance.now();
  await page.goto(`${origin}/#/line?store=long&product=sales&type=small`);
  const t1 = performance.now();
  await page.waitForSelector('#view[data-state="ready"]');
  const t2 = performance.now();
  await page.waitForSelector('figure.chart[data-metric="rmse"] canvas');
  const t3 = performance.now();
  const res = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => `${e.name.replace(location.origin, '')} start ${e.startTime.toFixed(0)} dur ${e.duration.toFixed(0)}`));
  const nav = await page.evaluate(() => { const n = performance.getEntriesByType('navigation')[0]; return `domContentLoaded ${n.domContentLoadedEventEnd.toFixed(0)} load ${n.loadEventEnd.toFixed(0)}`; });
  console.log(`goto ${(t1 - t).toFixed(0)} ready ${(t2 - t).toFixed(0)} chart ${(t3 - t).toFixed(0)}; ${nav}`);
  console.log(res.join('\n'));
}
await browser.close(); child.kill();
