import { beforeEach, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConflictError, InvalidManifestError, KeyScheme, MemoryStore, type Registry, createRegistry, sha256,
} from '../src/index.js';

const DAY = 24 * 60 * 60 * 1000;
const LINE = 's/p/t';
const keys = new KeyScheme('');
let store: MemoryStore;
let registry: Registry;

beforeEach(() => {
  store = new MemoryStore();
  registry = createRegistry({ backend: store });
});

const keysUnder = async (prefix: string) => {
  const found: string[] = [];
  for await (const entry of store.list(prefix)) if (entry.type === 'object') found.push(entry.key);
  return found;
};

/** An orphan blob, two days old. */
async function oldOrphan(text: string) {
  const digest = sha256(text);
  await store.put(keys.blobKey(digest), Buffer.from(text));
  store.backdate(keys.blobKey(digest), 2 * DAY);
  return digest;
}

describe('pushes and a gc that is deleting', () => {
  it('a push waits for an announced gc before it checks blobs, then proceeds', async () => {
    const marker = `${keys.gcRunsPrefix()}running.json`;
    await store.put(marker, Buffer.from(JSON.stringify({ schemaVersion: 1, sweepWindowMs: 120_000, startedAt: new Date().toISOString() })));
    let done = false;
    const pushed = registry.push(LINE, [{ name: 'm', body: Buffer.from('weights') }]).then((result) => ((done = true), result));
    await sleep(600);
    expect(done).toBe(false);
    expect(await keysUnder(keys.blobsPrefix())).toEqual([]); // nothing checked or uploaded while the gc may delete
    await store.delete([marker]);
    expect((await pushed).version).toBe(1);
    expect(await keysUnder(keys.pushLeasesPrefix())).toEqual([]); // the lease is gone once committed
  });

  it('a push ignores the marker of a gc that crashed long ago', async () => {
    const marker = `${keys.gcRunsPrefix()}crashed.json`;
    await store.put(marker, Buffer.from(JSON.stringify({ schemaVersion: 1, sweepWindowMs: 120_000, startedAt: '2020-01-01T00:00:00Z' })));
    store.backdate(marker, DAY);
    expect((await registry.push(LINE, [{ name: 'm', body: Buffer.from('weights') }])).version).toBe(1);
    await registry.gc({ dryRun: false });
    expect(await keysUnder(keys.gcRunsPrefix())).toEqual([]); // the next gc removed it
  });

  it('gc keeps the blobs a live lease names, and removes abandoned leases', async () => {
    const leased = await oldOrphan('leased by a push in progress');
    const abandoned = await oldOrphan('leased by a push that crashed');
    const live = `${keys.pushLeasesPrefix()}live.json`;
    const stale = `${keys.pushLeasesPrefix()}stale.json`;
    await store.put(live, Buffer.from(JSON.stringify({ schemaVersion: 1, digests: [leased], startedAt: new Date().toISOString() })));
    await store.put(stale, Buffer.from(JSON.stringify({ schemaVersion: 1, digests: [abandoned], startedAt: '2020-01-01T00:00:00Z' })));
    store.backdate(stale, DAY);
    const report = await registry.gc({ dryRun: false });
    expect(report.deleted).toEqual([abandoned]);
    expect(await keysUnder(keys.pushLeasesPrefix())).toEqual([live]);
    expect(await keysUnder(keys.gcRunsPrefix())).toEqual([]);
  });

  it('a push whose lease a gc removed commits nothing', async () => {
    // The push stalls after storing its blobs; meanwhile its lease looks abandoned and a gc removes it.
    const stalling = new MemoryStore();
    const stalled = createRegistry({ backend: stalling });
    const leaseKeys = async () => {
      const found: string[] = [];
      for await (const entry of stalling.list(keys.pushLeasesPrefix())) if (entry.type === 'object') found.push(entry.key);
      return found;
    };
    const put = stalling.put.bind(stalling);
    stalling.put = async (key, body, options) => {
      if (key.startsWith(keys.pushLeasesPrefix()) && options?.ifMatch !== undefined) {
        for (const lease of await leaseKeys()) stalling.backdate(lease, DAY);
        await stalled.gc({ dryRun: false });
      }
      return put(key, body, options);
    };
    await expect(stalled.push(LINE, [{ name: 'm', body: Buffer.from('weights') }])).rejects.toBeInstanceOf(ConflictError);
    expect(await stalled.versions(LINE)).toEqual([]);
  });

  it('gc deletes nothing once its sweep window has closed', async () => {
    const orphan = await oldOrphan('old orphan');
    // Reading the leases takes longer than the window this gc announced.
    const list = store.list.bind(store);
    store.list = async function* (prefix, options) {
      if (prefix === keys.pushLeasesPrefix()) await sleep(50);
      yield* list(prefix, options);
    };
    await expect(registry.gc({ dryRun: false, sweepWindowMs: 20 })).rejects.toThrow(/sweep window/);
    expect(await store.head(keys.blobKey(orphan))).toBeDefined();
    expect(await keysUnder(keys.gcRunsPrefix())).toEqual([]);
  });
});

describe('scans of a messy store', () => {
  const strays = ['models/s/p/t/2/manifest.json', 'models/My Model v1/model.pkl'];

  beforeEach(async () => {
    await registry.push(LINE, [{ name: 'm', body: Buffer.from('good') }]);
    await store.put(strays[0]!, Buffer.from(JSON.stringify({ model_id: 'v1 layout', files: ['model.pkl'] })));
    await store.put(strays[1]!, Buffer.from('pickled'));
  });

  it('gc and retain refuse to delete while an entry they cannot read might reference blobs, naming it', async () => {
    const orphan = await oldOrphan('old orphan');
    const refusal = registry.gc({ dryRun: false });
    await expect(refusal).rejects.toBeInstanceOf(InvalidManifestError);
    await expect(registry.gc({ dryRun: false })).rejects.toThrow(strays[0]!);
    expect(await store.head(keys.blobKey(orphan))).toBeDefined();
    await expect(registry.retain({ keep: 1 })).rejects.toThrow(strays[1]!);
  });

  it('read-only scans skip unreadable entries and report them', async () => {
    const stats = await registry.stats();
    expect(stats.versions).toBe(1);
    expect(stats.unreadable.map((entry) => entry.key).sort()).toEqual([...strays].sort());
    const verified = await registry.verify();
    expect(verified).toMatchObject({ ok: true, checkedBlobs: 1 });
    expect(verified.unreadable).toHaveLength(2);
    const skipped: string[] = [];
    expect((await registry.list({}, { onUnreadable: (entry) => skipped.push(entry.key) })).map((manifest) => manifest.version)).toEqual([1]);
    expect(skipped.sort()).toEqual(['models/My Model v1/', strays[0]!]);
    expect(await registry.dependents(`${LINE}@1`, { onUnreadable: () => {} })).toEqual([]);
  });

  it('skips a manifest deleted while a scan runs', async () => {
    await store.delete(strays);
    await registry.push(LINE, [{ name: 'm', body: Buffer.from('second') }]);
    const get = store.get.bind(store);
    store.get = async (key, options) => {
      if (key === keys.manifestKey({ store: 's', product: 'p', type: 't' }, 2)) await store.delete([key]);
      return get(key, options);
    };
    expect((await registry.stats()).versions).toBe(1);
    expect((await registry.verify()).ok).toBe(true);
    expect((await registry.list()).map((manifest) => manifest.version)).toEqual([1]);
  });
});
