import { expect, it } from '@jest/globals';
import { CountingStore } from '../src/testing/helpers.js';
import { MemoryStore, createRegistry } from '../src/index.js';

it('lists a line\'s versions with metrics, tags and sizes from the catalog, reading only manifests it lacks', async () => {
  const counting = new CountingStore(new MemoryStore());
  const registry = createRegistry({ backend: counting });
  for (let version = 1; version <= 12; version++) {
    await registry.push('shop/sales/xgb', [{ name: 'model.bin', body: Buffer.alloc(version) }, { name: 'enc.json', body: Buffer.from('{}') }], {
      metrics: { rmse: 1 / version },
      tags: { run: `r${version}` },
    });
  }
  await registry.push('shop/sales/other', [{ name: 'model.bin', body: Buffer.from('x') }]);
  await registry.reindex();
  await registry.push('shop/sales/xgb', [{ name: 'model.bin', body: Buffer.from('new') }], { metrics: { rmse: 0.01 } });

  counting.reset();
  const versions = await registry.lineVersions('shop/sales/xgb');
  expect(versions.map((row) => row.version)).toEqual([...Array.from({ length: 12 }, (_, index) => index + 1), 13]);
  expect(versions[9]).toEqual({ version: 10, createdAt: expect.any(String), metrics: { rmse: 0.1 }, tags: { run: 'r10' }, artifacts: 2, size: 12 });
  expect(versions[12]).toMatchObject({ version: 13, metrics: { rmse: 0.01 }, artifacts: 1, size: 3 });
  // Snapshot listing, the snapshot, the line's listing and its shard, plus the one manifest pushed after the snapshot.
  expect(counting.counts.list).toBe(2);
  expect(counting.counts.get).toBeLessThanOrEqual(4);
  expect(await registry.lineVersions('shop/sales/none')).toEqual([]);
});
