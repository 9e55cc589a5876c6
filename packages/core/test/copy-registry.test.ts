import { beforeEach, describe, expect, it } from '@jest/globals';
import { CountingStore } from '../src/testing/helpers.js';
import {
  AbortedError, ConflictError, IntegrityError, KeyScheme, MemoryStore, type PutBody, type PutOptions, type PutResult, type Registry, copyRegistry, createRegistry, readAll, sha256,
} from '../src/index.js';

const keys = new KeyScheme('');
const LINE = 'shop/sales/xgb';

/** A memory store that runs `beforePut` before each write lands. */
class HookedStore extends MemoryStore {
  beforePut: ((key: string, options: PutOptions) => Promise<void> | void) | undefined;

  override async put(key: string, body: PutBody, options: PutOptions = {}): Promise<PutResult> {
    await this.beforePut?.(key, options);
    return super.put(key, body, options);
  }
}

let sourceStore: MemoryStore;
let destinationStore: HookedStore;
let source: Registry;
let destination: Registry;

beforeEach(() => {
  sourceStore = new MemoryStore();
  destinationStore = new HookedStore();
  source = createRegistry({ backend: sourceStore });
  destination = createRegistry({ backend: destinationStore });
});

const bytes = (text: string, size = 64 * 1024) => Buffer.alloc(size, text);
const copy = (options: Parameters<typeof copyRegistry>[2] = {}) => copyRegistry({ backend: sourceStore }, { backend: destinationStore }, options);

async function objectBytes(store: MemoryStore, key: string): Promise<Buffer> {
  return readAll((await store.get(key)).body);
}

async function keysUnder(store: MemoryStore, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of store.list(prefix)) if (entry.type === 'object') found.push(entry.key);
  return found;
}

/** Two versions sharing one blob, a third line depending on the first, and an alias moved twice. */
async function seedSource(): Promise<void> {
  await source.push(LINE, [{ name: 'model.bin', body: bytes('a') }, { name: 'encoder.json', body: bytes('shared', 100) }], { metrics: { rmse: 3 } });
  await source.push(LINE, [{ name: 'model.bin', body: bytes('b') }, { name: 'encoder.json', body: bytes('shared', 100) }], { metrics: { rmse: 2 } });
  await source.promote(`${LINE}@1`, 'production', { reason: 'first' });
  await source.promote(`${LINE}@2`, 'production', { reason: 'better' });
  await source.push('shop/sales/meta', [{ name: 'meta.bin', body: bytes('m'), kind: 'meta_model' }], { dependencies: [{ ref: `${LINE}@1`, role: 'source' }] });
}

describe('copying a registry', () => {
  it('copies versions with their numbers and manifest bytes, the blobs once each, and aliases with their history', async () => {
    await seedSource();
    const report = await copy();
    expect(report.versions).toEqual({ copied: ['shop/sales/meta@1', `${LINE}@1`, `${LINE}@2`], unchanged: [], conflicts: [] });
    expect(report.blobs).toEqual({ copied: 4, copiedBytes: 3 * 64 * 1024 + 100, present: 0, presentBytes: 0 });
    expect(report.aliases.copied).toEqual([`${LINE}@production`]);
    for (const version of [1, 2]) {
      const key = keys.manifestKey({ store: 'shop', product: 'sales', type: 'xgb' }, version);
      expect(await objectBytes(destinationStore, key)).toEqual(await objectBytes(sourceStore, key));
    }
    expect((await destination.aliases(LINE))[0]).toEqual((await source.aliases(LINE))[0]);
    expect(await destination.rollback(LINE)).toMatchObject({ version: 1 }); // the history came along
    expect((await destination.verify()).corrupt).toEqual([]);
    // The lease is gone; a commit record names every line the copy wrote into, for a gc marking meanwhile.
    expect(await keysUnder(destinationStore, keys.pushLeasesPrefix())).toEqual([]);
    const [record, ...others] = await keysUnder(destinationStore, keys.commitRecordsPrefix());
    expect(others).toEqual([]);
    expect(JSON.parse((await objectBytes(destinationStore, record!)).toString('utf8')).lines).toEqual([
      { store: 'shop', product: 'sales', type: 'meta' },
      { store: 'shop', product: 'sales', type: 'xgb' },
    ]);
    // A push at the destination takes the number after the copied ones.
    expect((await destination.push(LINE, [{ name: 'model.bin', body: bytes('c') }])).version).toBe(3);
  });

  it('runs again without sending a blob byte, and with a few reads per version', async () => {
    await seedSource();
    await copy();
    const countedSource = new CountingStore(sourceStore);
    const countedDestination = new CountingStore(destinationStore);
    let sentBytes = 0;
    const report = await copyRegistry({ backend: countedSource }, { backend: countedDestination }, {
      onProgress: (event) => void (event.type === 'artifact-done' && (sentBytes += event.transferredBytes)),
    });
    expect(report.versions).toEqual({ copied: [], unchanged: ['shop/sales/meta@1', `${LINE}@1`, `${LINE}@2`], conflicts: [] });
    expect(report.blobs).toEqual({ copied: 0, copiedBytes: 0, present: 0, presentBytes: 0 });
    expect(report.aliases.unchanged).toEqual([`${LINE}@production`]);
    expect(sentBytes).toBe(0);
    expect(countedDestination.counts.put).toBe(0);
    // Per version one manifest read on each side, per line a listing of versions on each side and of aliases.
    expect(countedSource.counts.get).toBe(3 + 1);
    expect(countedDestination.counts.get).toBe(3 + 1);
    expect(countedDestination.counts.head + countedDestination.counts.delete + countedDestination.counts.touch).toBe(0);
  });

  it('after new pushes at the source, copies only the new versions and blobs, and fast-forwards the alias', async () => {
    await seedSource();
    await copy();
    await source.push(LINE, [{ name: 'model.bin', body: bytes('c') }, { name: 'encoder.json', body: bytes('shared', 100) }]);
    await source.promote(`${LINE}@3`, 'production');
    const report = await copy();
    expect(report.versions.copied).toEqual([`${LINE}@3`]);
    expect(report.blobs).toEqual({ copied: 1, copiedBytes: 64 * 1024, present: 1, presentBytes: 100 });
    expect(report.aliases.updated).toEqual([`${LINE}@production`]);
    expect((await destination.aliases(LINE))[0]).toEqual((await source.aliases(LINE))[0]);
  });

  it('copies a scope, plus the versions its versions depend on from outside it', async () => {
    await seedSource();
    await source.push('outlet/sales/xgb', [{ name: 'model.bin', body: bytes('o') }]);
    const report = await copy({ scope: 'shop/sales/meta' });
    expect(report.scope).toBe('shop/sales/meta');
    expect(report.versions.copied).toEqual(['shop/sales/meta@1', `${LINE}@1`]);
    expect(report.aliases.copied).toEqual([]); // aliases of lines in scope only
    expect(await destination.stores()).toEqual(['shop']);
    expect((await destination.dependencies('shop/sales/meta@1')).map((entry) => entry.ref)).toEqual([`${LINE}@1`]);
  });

  it('does not send blobs the destination already holds', async () => {
    await seedSource();
    await destination.push('elsewhere/x/y', [{ name: 'same.bin', body: bytes('a') }]);
    const report = await copy();
    expect(report.blobs).toMatchObject({ copied: 3, present: 1, presentBytes: 64 * 1024 });
  });

  it('writes nothing in a dry run, and reports what it would copy', async () => {
    await seedSource();
    const report = await copy({ dryRun: true });
    expect(report).toMatchObject({ dryRun: true, versions: { copied: ['shop/sales/meta@1', `${LINE}@1`, `${LINE}@2`] }, blobs: { copied: 4 } });
    expect(report.aliases.copied).toEqual([`${LINE}@production`]);
    expect(await keysUnder(destinationStore, '')).toEqual([]);
  });

  it('rejects a bad scope and bad options before touching either store', async () => {
    await expect(copy({ scope: 'shop/sales/xgb/extra' })).rejects.toThrow(/Invalid copy scope/);
    await expect(copy({ concurrency: 0 })).rejects.toThrow(/concurrency/);
  });
});

describe('interruptions and failures', () => {
  it('resumes after an abort mid-copy: nothing half-committed, and the next run sends only the missing blobs', async () => {
    await seedSource();
    const controller = new AbortController();
    let blobsLanded = 0;
    destinationStore.beforePut = (key) => {
      if (!key.startsWith(keys.blobsPrefix())) return;
      if (++blobsLanded === 2) controller.abort(); // the second blob's write is refused by its signal
    };
    await expect(copy({ concurrency: 1, signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
    destinationStore.beforePut = undefined;
    expect(await keysUnder(destinationStore, keys.modelsPrefix())).toEqual([]);
    expect(await keysUnder(destinationStore, keys.blobsPrefix())).toHaveLength(1);
    expect(await keysUnder(destinationStore, keys.pushLeasesPrefix())).toEqual([]);

    const resumed = await copy();
    expect(resumed.blobs).toMatchObject({ copied: 3, present: 1 });
    expect(resumed.versions.copied).toHaveLength(3);
    expect((await destination.verify()).corrupt).toEqual([]);
  });

  it('holds a push lease on the blobs while it writes them, so a gc at the destination keeps them', async () => {
    await seedSource();
    const leased: string[][] = [];
    destinationStore.beforePut = async (key) => {
      if (!key.startsWith(keys.blobsPrefix())) return;
      for (const lease of await keysUnder(destinationStore, keys.pushLeasesPrefix())) {
        leased.push(JSON.parse((await objectBytes(destinationStore, lease)).toString()).digests);
      }
    };
    await copy({ concurrency: 1 });
    expect(leased).toHaveLength(4);
    expect(new Set(leased.flat()).size).toBe(4);
  });

  it('commits nothing when a gc at the destination took its lease for abandoned, and a later run completes', async () => {
    await seedSource();
    destinationStore.beforePut = async (key, options) => {
      if (!key.startsWith(keys.pushLeasesPrefix()) || options.ifMatch === undefined) return;
      destinationStore.beforePut = undefined;
      // The copy stalled past its lease before confirming it: a gc removes the lease.
      for (const lease of await keysUnder(destinationStore, keys.pushLeasesPrefix())) destinationStore.backdate(lease, 24 * 60 * 60 * 1000);
      await destination.gc({ dryRun: false });
    };
    await expect(copy()).rejects.toBeInstanceOf(ConflictError);
    expect(await keysUnder(destinationStore, keys.modelsPrefix())).toEqual([]);
    expect((await copy()).versions.copied).toHaveLength(3);
    expect((await destination.verify()).ok).toBe(true);
  });

  it('fails on a source blob that does not match its digest, and stores nothing under its key', async () => {
    await source.push(LINE, [{ name: 'model.bin', body: bytes('a') }]);
    const key = keys.blobKey(sha256(bytes('a')));
    await sourceStore.put(key, bytes('z')); // same size, other bytes
    await expect(copy()).rejects.toBeInstanceOf(IntegrityError);
    expect(await destinationStore.head(key)).toBeUndefined();
    expect(await keysUnder(destinationStore, keys.modelsPrefix())).toEqual([]);
  });
});

describe('conflicts at the destination', () => {
  it('never overwrites a different version under the same number; reports it and what depends on it', async () => {
    await seedSource();
    await destination.push(LINE, [{ name: 'model.bin', body: bytes('other') }]);
    const before = await objectBytes(destinationStore, keys.manifestKey({ store: 'shop', product: 'sales', type: 'xgb' }, 1));
    const report = await copy();
    expect(report.versions.copied).toEqual([`${LINE}@2`]);
    expect(report.versions.conflicts).toEqual([
      { ref: 'shop/sales/meta@1', reason: `depends on ${LINE}@1, which was not copied` },
      { ref: `${LINE}@1`, reason: 'the destination holds a different manifest under this version number' },
    ]);
    expect(await objectBytes(destinationStore, keys.manifestKey({ store: 'shop', product: 'sales', type: 'xgb' }, 1))).toEqual(before);
    // The alias points at version 2, which was copied; its history mentions version 1, which is only history.
    expect(report.aliases.copied).toEqual([`${LINE}@production`]);
  });

  it('reports a push that takes a number at the destination while the copy runs, and keeps that push', async () => {
    await source.push(LINE, [{ name: 'model.bin', body: bytes('a') }]);
    const racer = createRegistry({ backend: destinationStore });
    let raced = false;
    destinationStore.beforePut = async (key, options) => {
      if (raced || !key.endsWith('manifest.json') || options.ifNoneMatch !== '*') return;
      raced = true;
      destinationStore.beforePut = undefined;
      await racer.push(LINE, [{ name: 'model.bin', body: bytes('raced') }]);
    };
    const report = await copy();
    expect(report.versions.conflicts.map((conflict) => conflict.ref)).toEqual([`${LINE}@1`]);
    expect((await destination.manifest(`${LINE}@1`)).artifacts[0]!.digest).toBe(sha256(bytes('raced')));
    expect((await destination.push(LINE, [{ name: 'model.bin', body: bytes('next') }])).version).toBe(2);
  });

  it('keeps an alias moved at the destination after a copy, and reports one whose history diverged', async () => {
    await seedSource();
    await source.promote(`${LINE}@1`, 'staging');
    await copy();
    await destination.promote(`${LINE}@1`, 'production', { reason: 'moved at the destination' }); // ahead of the source
    await source.promote(`${LINE}@2`, 'staging'); // the source moves on...
    await destination.promote(`${LINE}@2`, 'staging', { reason: 'and so does the destination, on its own' }); // ...and so does the destination: diverged
    const stagingBefore = (await destination.aliases(LINE)).find((alias) => alias.alias === 'staging');
    const report = await copy();
    expect(report.aliases.kept).toEqual([`${LINE}@production`]);
    expect(report.aliases.conflicts).toEqual([{ ref: `${LINE}@staging`, reason: expect.stringContaining('history the source does not share') }]);
    expect((await destination.resolve(`${LINE}@production`)).version).toBe(1);
    expect((await destination.aliases(LINE)).find((alias) => alias.alias === 'staging')).toEqual(stagingBefore);
  });

  it('reports an alias whose target version was not copied', async () => {
    await source.push(LINE, [{ name: 'model.bin', body: bytes('a') }]);
    await source.promote(`${LINE}@1`, 'production');
    await destination.push(LINE, [{ name: 'model.bin', body: bytes('other') }]);
    const report = await copy();
    expect(report.aliases.conflicts).toEqual([{ ref: `${LINE}@production`, reason: expect.stringContaining(`points at ${LINE}@1`) }]);
    expect(await destination.aliases(LINE)).toEqual([]);
  });

  it('reports a corrupt alias and a stray file among the aliases at the source, and copies the others', async () => {
    await seedSource();
    const line = { store: 'shop', product: 'sales', type: 'xgb' };
    await sourceStore.put(keys.aliasKey(line, 'broken'), Buffer.from('{ not json'));
    await sourceStore.put(`${keys.aliasesPrefix(line)}notes.txt`, Buffer.from('hello'));
    const report = await copy();
    expect(report.aliases.copied).toEqual([`${LINE}@production`]);
    expect(report.aliases.conflicts.map((conflict) => conflict.ref)).toEqual([keys.aliasKey(line, 'broken'), `${keys.aliasesPrefix(line)}notes.txt`]);
  });

  it('fast-forwards an alias whose oldest history both sides have dropped to the history limit', async () => {
    const limited = (store: MemoryStore) => ({ backend: store, aliasHistoryLimit: 3 });
    const small = createRegistry(limited(sourceStore));
    await small.push(LINE, [{ name: 'model.bin', body: bytes('a') }]);
    await small.push(LINE, [{ name: 'model.bin', body: bytes('b') }]);
    for (const version of [1, 2, 1, 2]) await small.promote(`${LINE}@${version}`, 'production');
    await copyRegistry(limited(sourceStore), limited(destinationStore));
    for (const version of [1, 2]) await small.promote(`${LINE}@${version}`, 'production'); // the copied history's first events drop out
    const report = await copyRegistry(limited(sourceStore), limited(destinationStore));
    expect(report.aliases.updated).toEqual([`${LINE}@production`]);
  });
});
