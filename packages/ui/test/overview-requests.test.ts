import { afterEach, expect, it } from '@jest/globals';
import { MemoryStore, createRegistry } from '@modelreg/core';
import { CountingStore } from '@modelreg/core/testing/helpers';
import { type UiServer, startUiServer } from '../src/index.js';

const LINES = 60;

let servers: UiServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

/** What the overview page asks for when it opens a store: stores, the first page of lines, products and the counts. */
async function loadOverview(counting: CountingStore): Promise<{ lines: any; stats: any }> {
  // A new server each time: nothing is reused from an earlier load but what the registry holds.
  const server = await startUiServer({ registry: createRegistry({ backend: counting }), port: 0 });
  servers.push(server);
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
    expect(response.status).toBe(200);
    return response.json() as Promise<any>;
  };
  const [, lines, , stats] = await Promise.all([get('/api/stores'), get('/api/lines?store=shop&limit=50'), get('/api/products?store=shop'), get('/api/stats')]);
  return { lines, stats };
}

it('loads the overview of an unchanged registry with a few requests, however many lines it has', async () => {
  const counting = new CountingStore(new MemoryStore());
  const registry = createRegistry({ backend: counting });
  for (let index = 0; index < LINES; index++) {
    const line = `shop/product-${index % 3}/type-${String(index).padStart(3, '0')}`;
    await registry.push(line, [{ name: 'model.bin', body: Buffer.from(line) }]);
    await registry.push(line, [{ name: 'model.bin', body: Buffer.from(`${line} again`) }]);
  }
  await registry.promote('shop/product-0/type-000@1', 'production');

  const first = await loadOverview(counting); // writes the catalog snapshot (stats does)
  expect(first.lines.total).toBe(LINES);
  expect(first.lines.types).toHaveLength(50);
  expect(first.lines.types[0]).toEqual({ name: 'shop/product-0/type-000', store: 'shop', product: 'product-0', type: 'type-000', versions: 2, latest: 2, aliases: { production: 1 } });
  expect(first.stats).toMatchObject({ stores: 1, products: 3, types: LINES, versions: 2 * LINES, aliases: 1 });

  counting.reset();
  const second = await loadOverview(counting);
  expect(second.lines).toEqual(first.lines);
  expect(second.stats).toEqual(first.stats);
  // Listings (stores, products, the store's lines, the registry for the counts, blobs, snapshots),
  // the snapshot and its shard, and the one alias on the page: not one or two requests per line.
  expect(counting.counts.list).toBeLessThanOrEqual(8);
  expect(counting.counts.get).toBeLessThanOrEqual(6);
  expect(counting.counts.head + counting.counts.put + counting.counts.delete).toBe(0);
});
