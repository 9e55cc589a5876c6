// Listing at scale: creates SKUs x versions on the in-memory store and on the local backend, then
// prints how long `list`, `versions`, `resolve @latest` and `stats` take and how many store
// requests each makes. Requests for one SKU must not grow with the number of other SKUs.
// Usage: pnpm bench:listing [-- --skus 1000 --versions 10] (--help lists the settings)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore, createRegistry } from '@modelreg/core';
import { CountingStore } from '@modelreg/core/testing/helpers'; // usable outside jest
import { LocalStore } from '@modelreg/backend-local';
import { benchSettings } from './support/args.mjs';

const settings = benchSettings({
  usage: 'pnpm bench:listing [-- options]   (or: node bench/listing.mjs [options], after pnpm build)',
  about: 'Listing at scale on the in-memory store and the local backend: time and store requests per call.',
  options: {
    skus: { kind: 'integer', default: 1000, help: 'model lines (SKUs) to create' },
    versions: { kind: 'integer', default: 10, help: 'versions per model line' },
  },
});
const skus = settings.skus;
const versionsPerSku = settings.versions;
const lineOf = (i) => ({ store: `store-${i % 10}`, product: `product-${Math.floor(i / 10) % 10}`, type: `type-${Math.floor(i / 100)}` });

async function populate(registry) {
  const queue = Array.from({ length: skus }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const { store, product, type } = lineOf(i);
        for (let v = 1; v <= versionsPerSku; v++) {
          await registry.push(`${store}/${product}/${type}`, [{ name: 'model.bin', body: Buffer.from(`${i}:${v}`) }], { metrics: { rmse: v } });
        }
      }
    }),
  );
}

async function measure(label, counting, call) {
  counting.reset();
  const start = process.hrtime.bigint();
  const result = await call();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`  ${label.padEnd(40)} ${ms.toFixed(1).padStart(9)} ms ${String(counting.total).padStart(7)} requests`);
  return result;
}

async function run(name, backend) {
  const counting = new CountingStore(backend);
  const registry = createRegistry({ backend: counting, concurrency: 16 });
  const start = Date.now();
  await populate(registry);
  console.log(`\n${name}: ${skus} SKUs x ${versionsPerSku} versions created in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  const { store, product, type } = lineOf(skus - 1);
  const line = `${store}/${product}/${type}`;
  await measure(`versions(${line})`, counting, () => registry.versions(line));
  await measure(`resolve(${line}@latest)`, counting, () => registry.resolve(`${line}@latest`));
  await measure('list({ store, product, type })', counting, () => registry.list({ store, product, type }));
  await measure('list({ store, latestOnly })', counting, () => registry.list({ store, latestOnly: true }));
  await measure('stores()', counting, () => registry.stores());
  const stats = await measure('stats()', counting, () => registry.stats());
  console.log(`  stats: ${stats.versions} versions, ${stats.blobs} blobs, dedup ratio ${stats.dedupRatio.toFixed(2)}`);
}

await run('in-memory store', new MemoryStore());
const root = mkdtempSync(join(tmpdir(), 'modelreg-bench-listing-'));
try {
  await run('local backend', new LocalStore({ root, durable: false }));
} finally {
  rmSync(root, { recursive: true, force: true });
}
