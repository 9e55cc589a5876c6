import { describe, expect, it } from '@jest/globals';
import { KeyScheme, MemoryStore, createRegistry, sha256 } from '../src/index.js';
import type { ListEntry, ListOptions } from '../src/store/object-store.js';
import { BlobTable } from '../src/maintenance/blob-table.js';
import { SeenManifests } from '../src/catalog/seen-manifests.js';

// The compact structures registry-wide work keeps instead of sets of every name and digest
// (docs/gc.md, "Memory"): gc's table of listed blobs, and stats' counts by key order.
const keys = new KeyScheme('');
const HOUR = 60 * 60 * 1000;

async function storeWithBlobs(count: number): Promise<{ memory: MemoryStore; digests: string[] }> {
  const memory = new MemoryStore();
  const digests: string[] = [];
  for (let i = 0; i < count; i++) {
    const digest = sha256(`blob ${i}`);
    digests.push(digest);
    await memory.put(keys.blobKey(digest), Buffer.alloc(i));
  }
  return { memory, digests: digests.sort() };
}

/** Lists in reverse order: a store breaking the byte-order promise must still get a correct table. */
class ReversedListing extends MemoryStore {
  override async *list(prefix: string, options?: ListOptions): AsyncIterable<ListEntry> {
    const entries: ListEntry[] = [];
    for await (const entry of super.list(prefix, options)) entries.push(entry);
    yield* entries.reverse();
  }
}

describe('BlobTable', () => {
  it('finds listed digests, yields the unreferenced ones in digest order with key, size and date', async () => {
    const { memory, digests } = await storeWithBlobs(300);
    const table = await BlobTable.list(memory, keys, undefined);
    expect(table.size).toBe(300);
    const referenced = digests.filter((_, index) => index % 3 === 0);
    for (const digest of [...referenced, ...referenced]) expect(table.markReferenced(digest as `sha256:${string}`)).toBe(true);
    expect(table.markReferenced(sha256('never stored'))).toBe(false);
    expect(table.referencedCount).toBe(referenced.length);

    const unreferenced = [...table.unreferenced()];
    expect(unreferenced.map((blob) => blob.digest)).toEqual(digests.filter((digest) => !referenced.includes(digest)));
    for (const blob of unreferenced.slice(0, 5)) {
      const info = (await memory.head(blob.key))!;
      expect(blob).toMatchObject({ size: info.size, lastModified: info.lastModified.getTime() });
    }
  });

  it('sorts a listing that does not come in key order', async () => {
    const memory = new ReversedListing();
    const digests = [sha256('a'), sha256('b'), sha256('c'), sha256('d')].sort();
    for (const digest of digests) await memory.put(keys.blobKey(digest), Buffer.from(digest));
    const table = await BlobTable.list(memory, keys, undefined);
    expect(table.markReferenced(digests[2]!)).toBe(true);
    expect([...table.unreferenced()].map((blob) => blob.digest)).toEqual([digests[0], digests[1], digests[3]]);
  });
});

describe('SeenManifests', () => {
  it('knows each key with the etag it was added with, across growth', () => {
    const seen = new SeenManifests();
    const count = 20_000; // past several doublings of the table
    for (let i = 0; i < count; i++) seen.add(`models/s/p/t/${i}/manifest.json`, `etag-${i}`);
    seen.add('models/s/p/t/7/manifest.json', 'etag-7');
    expect(seen.size).toBe(count);
    for (let i = 0; i < count; i += 997) expect(seen.has(`models/s/p/t/${i}/manifest.json`, `etag-${i}`)).toBe(true);
    // The same key with another etag (replaced since), another key, and key and etag run together.
    expect(seen.has('models/s/p/t/7/manifest.json', 'etag-8')).toBe(false);
    expect(seen.has(`models/s/p/t/${count}/manifest.json`, `etag-${count}`)).toBe(false);
    expect(seen.has('models/s/p/t/7/manifest.jsonetag-', '7')).toBe(false);
  });
});

describe('gc and stats without sets of every name', () => {
  it('gc counts a referenced digest whose blob is missing, and deletes only old unreferenced blobs', async () => {
    const memory = new MemoryStore();
    const registry = createRegistry({ backend: memory });
    const kept = await registry.push('s/p/t', [{ name: 'model.bin', body: Buffer.from('kept') }]);
    const manifest = await registry.manifest(kept.ref);
    await memory.delete([keys.blobKey(manifest.artifacts[0]!.digest)]);
    const orphans = [sha256('old orphan'), sha256('young orphan')];
    for (const digest of orphans) await memory.put(keys.blobKey(digest), Buffer.from('x'));
    memory.backdate(keys.blobKey(orphans[0]!), 48 * HOUR);

    const report = await registry.gc({ dryRun: false });
    expect(report).toMatchObject({ scannedBlobs: 2, referencedBlobs: 1, keptYoungBlobs: 1, deletedBlobs: 1, deleted: [orphans[0]] });
    expect(await memory.head(keys.blobKey(orphans[1]!))).toBeDefined();
  });

  it('stats counts stores, products and lines whose ids are prefixes of each other', async () => {
    const registry = createRegistry({ backend: new MemoryStore() });
    // Byte order puts `a-b/` and `a.c/` before `a/`, and `x/` of one store next to `x/` of another.
    const names = ['a/x/t', 'a/x/u', 'a/x-y/t', 'a-b/x/t', 'a.c/x/t', 'a.c/x/t', 'a/x.z/t', 'b/x/t'];
    for (const [index, name] of names.entries()) await registry.push(name, [{ name: 'f', body: Buffer.from(`${index}`) }]);
    expect(await registry.stats()).toMatchObject({ stores: 4, products: 6, types: 7, versions: 8 });
  });
});
