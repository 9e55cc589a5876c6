import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  InvalidManifestError, KeyScheme, MemoryStore, Registry, createRegistry, sha256, type Digest, type ListOptions,
} from '../src/index.js';
import { CountingStore } from '../src/testing/index.js';

const DAY = 24 * 60 * 60 * 1000;
const keys = new KeyScheme('');
let store: MemoryStore;
let registry: Registry;

beforeEach(() => {
  store = new MemoryStore();
  registry = createRegistry({ backend: store });
});

const file = (name: string, text: string) => ({ name, body: Buffer.from(text) });

describe('compare', () => {
  it('puts metrics side by side with difference and winner, and lists what changed', async () => {
    await registry.push('s/p/xgb', [file('model.bin', 'v1'), file('encoder.json', 'enc'), file('old.txt', 'x')], {
      metrics: { rmse: 10, auc: 0.8, custom: 1, only_a: 5 },
      params: { depth: 6, eta: 0.3 },
      tags: { team: 'a', stage: 'dev' },
    });
    await registry.push('s/p/xgb', [file('model.bin', 'v2'), file('encoder.json', 'enc'), file('new.txt', 'y')], {
      metrics: { rmse: 8, auc: 0.75, custom: 2 },
      params: { depth: 6, eta: 0.1 },
      tags: { team: 'a' },
    });
    const comparison = await registry.compare('s/p/xgb@1', 's/p/xgb@2');
    expect(comparison.metrics).toEqual([
      { name: 'auc', a: 0.8, b: 0.75, difference: expect.closeTo(-0.05), direction: 'higher', winner: 'a' },
      { name: 'custom', a: 1, b: 2, difference: 1, direction: undefined, winner: undefined },
      { name: 'only_a', a: 5, b: undefined, difference: undefined, direction: undefined, winner: undefined },
      { name: 'rmse', a: 10, b: 8, difference: -2, direction: 'lower', winner: 'b' },
    ]);
    expect(comparison.params).toEqual([{ name: 'eta', a: 0.3, b: 0.1 }]);
    expect(comparison.tags).toEqual([{ name: 'stage', a: 'dev', b: undefined }]);
    expect(comparison.artifacts.map(({ name, change }) => [name, change])).toEqual([
      ['encoder.json', 'unchanged'], ['model.bin', 'changed'], ['new.txt', 'added'], ['old.txt', 'removed'],
    ]);
  });

  it('takes metric directions from config', async () => {
    const custom = createRegistry({ backend: store, metricDirections: { custom: 'lower', auc: 'lower' } });
    await custom.push('s/p/xgb', [file('m', '1')], { metrics: { custom: 1, auc: 0.9 } });
    await custom.push('s/p/xgb', [file('m', '2')], { metrics: { custom: 2, auc: 0.9 } });
    const { metrics } = await custom.compare('s/p/xgb@1', 's/p/xgb@2');
    expect(metrics.map((metric) => [metric.name, metric.winner])).toEqual([['auc', 'tie'], ['custom', 'a']]);
  });
});

describe('retain', () => {
  beforeEach(async () => {
    await registry.push('s/p/base', [file('m', 'base 1')]);
    await registry.push('s/p/base', [file('m', 'base 2')]);
    for (let i = 1; i <= 5; i++) {
      await registry.push('s/p/xgb', [file('m', `xgb ${i}`)], i === 2 ? { dependencies: [{ ref: 's/p/base@1' }] } : {});
    }
    await registry.promote('s/p/xgb@1');
  });

  it('keeps the newest N, aliased versions, and versions kept versions depend on (transitively)', async () => {
    // stack@1 stays (newest of its line) -> needs xgb@2 (past keep) -> needs base@1 (past keep).
    await registry.push('s/p/stack', [{ name: 'meta', body: Buffer.from('meta'), kind: 'meta_model' }], {
      dependencies: [{ ref: 's/p/xgb@2' }],
    });
    const dry = await registry.retain({ keep: 1, dryRun: true });
    expect(dry.deleted.sort()).toEqual(['s/p/xgb@3', 's/p/xgb@4']);
    expect(dry.protected).toEqual([
      { ref: 's/p/base@1', reason: 'dependency' },
      { ref: 's/p/xgb@1', reason: 'alias' },
      { ref: 's/p/xgb@2', reason: 'dependency' },
    ]);
    expect(await registry.versions('s/p/xgb')).toEqual([1, 2, 3, 4, 5]); // a dry run deletes nothing

    const done = await registry.retain({ keep: 1 });
    expect(done.deleted.sort()).toEqual(dry.deleted.sort());
    expect(await registry.versions('s/p/xgb')).toEqual([1, 2, 5]);
    expect(await registry.versions('s/p/base')).toEqual([1, 2]);
  });

  it('limits itself to the given scope and uses the configured default', async () => {
    const configured = createRegistry({ backend: store, retention: { keep: 3 } });
    const report = await configured.retain({ store: 's', product: 'p', type: 'xgb' });
    expect(report.deleted).toEqual(['s/p/xgb@2']);
    await expect(registry.retain({})).rejects.toThrow(/retain needs keep >= 1/);
  });
});

describe('garbage collection', () => {
  /** Stores a blob as a push does before it writes its manifest. */
  const storeBlob = async (text: string) => {
    const digest = sha256(text);
    await store.put(keys.blobKey(digest), Buffer.from(text));
    return { digest };
  };
  const blobExists = async (digest: Digest) => (await store.head(keys.blobKey(digest))) !== undefined;
  const orphan = async (text: string, ageMs: number) => {
    const blob = await storeBlob(text);
    store.backdate(keys.blobKey(blob.digest), ageMs);
    return blob;
  };

  it('sweeps unreferenced blobs older than the grace period; dry run by default', async () => {
    await registry.push('s/p/t', [file('m', 'referenced')]);
    const old = await orphan('old orphan', 2 * DAY);
    await orphan('young orphan', 60_000);

    const dry = await registry.gc();
    expect(dry).toMatchObject({ dryRun: true, scannedBlobs: 3, referencedBlobs: 1, keptYoungBlobs: 1, deletedBlobs: 1, freedBytes: 10, deleted: [old.digest] });
    expect(await blobExists(old.digest)).toBe(true);

    const swept = await registry.gc({ dryRun: false });
    expect(swept).toMatchObject({ dryRun: false, deletedBlobs: 1, deleted: [old.digest] });
    expect(await blobExists(old.digest)).toBe(false);
    expect((await registry.verify()).ok).toBe(true);
  });

  it('reclaims the blobs of a push that crashed before its manifest, after the grace period only', async () => {
    const uploaded = await storeBlob('uploaded, then the process died');
    expect(await registry.stores()).toEqual([]); // nothing visible
    expect((await registry.gc({ dryRun: false })).deletedBlobs).toBe(0);
    store.backdate(keys.blobKey(uploaded.digest), 2 * DAY);
    expect((await registry.gc({ dryRun: false })).deleted).toEqual([uploaded.digest]);
  });

  it('refuses to sweep while a manifest cannot be read', async () => {
    const old = await orphan('old orphan', 2 * DAY);
    await store.put('models/s/p/t/1/manifest.json', Buffer.from('not json'));
    await expect(registry.gc({ dryRun: false })).rejects.toBeInstanceOf(InvalidManifestError);
    expect(await blobExists(old.digest)).toBe(true);
  });

  it('never leaves a manifest pointing at a deleted blob when a push reuses an old orphan while gc runs', async () => {
    // The store pauses gc right after it listed the blobs (the orphan looked old) and lets a push
    // dedup against the orphan before gc reads any manifest; the push's manifest lands after gc's mark.
    class InterleavingStore extends MemoryStore {
      onMark: (() => Promise<void>) | undefined;
      override async *list(prefix: string, options?: ListOptions) {
        if (prefix === 'models/' && this.onMark) {
          const hook = this.onMark;
          this.onMark = undefined;
          await hook();
        }
        yield* super.list(prefix, options);
      }
    }
    const racing = new InterleavingStore();
    const racingRegistry = createRegistry({ backend: racing });
    const shared = Buffer.from('weights shared with an old, deleted version');
    await racing.put(keys.blobKey(sha256(shared)), shared);
    racing.backdate(keys.blobKey(sha256(shared)), 2 * DAY);

    let pushDone: Promise<unknown> = Promise.resolve();
    racing.onMark = async () => {
      let reused!: () => void;
      const reusedBlob = new Promise<void>((resolve) => (reused = resolve));
      const head = racing.head.bind(racing);
      racing.head = async (key, options) => {
        const info = await head(key, options);
        if (key === keys.blobKey(sha256(shared))) reused();
        return info;
      };
      // The push runs on, concurrently: its dedup happens now, its manifest after gc's mark.
      pushDone = racingRegistry.push('s/p/t', [{ name: 'm', body: shared }]);
      await reusedBlob;
    };

    const report = await racingRegistry.gc({ dryRun: false });
    await pushDone;
    expect(report.deletedBlobs).toBe(0);
    expect(await racingRegistry.verify('s/p/t@latest')).toMatchObject({ ok: true, missing: [] });
  });
});

describe('stats', () => {
  it('counts everything and reports the dedup ratio', async () => {
    await registry.push('a/p/t', [file('m', '12345678'), file('e', '1234')]);
    await registry.push('a/p/t', [file('m', '12345678'), file('e', '1234')]);
    await registry.push('a/q/t', [file('m', '12345678')]);
    await registry.push('b/p/t', [file('m', 'abcd')]);
    await registry.promote('a/p/t@1');
    expect(await registry.stats()).toEqual({
      stores: 2, products: 3, types: 3, versions: 4, aliases: 1, blobs: 3,
      logicalBytes: 12 + 12 + 8 + 4, storedBytes: 8 + 4 + 4, dedupRatio: 36 / 16, incompleteWrites: 0, incompleteWriteBytes: 0, unreadable: [],
    });
  });
});

describe('verify', () => {
  it('reports missing and corrupt blobs with the versions that reference them', async () => {
    const good = await registry.push('s/p/t', [file('m', 'good')]);
    const bad = await registry.push('s/p/u', [file('weights', 'will be corrupted'), file('scaler', 'will go missing')]);
    const [weights, scaler] = bad.manifest.artifacts;
    store.corrupt(keys.blobKey(weights!.digest), Buffer.from('will be corruptED'));
    await store.delete([keys.blobKey(scaler!.digest)]);

    expect(await registry.verify(good.ref)).toEqual({ checkedBlobs: 1, missing: [], corrupt: [], unreadable: [], ok: true });
    const report = await registry.verify();
    expect(report.ok).toBe(false);
    expect(report.checkedBlobs).toBe(3);
    expect(report.missing).toEqual([{ digest: scaler!.digest, referencedBy: ['s/p/u@1:scaler'] }]);
    expect(report.corrupt).toEqual([{ digest: weights!.digest, problem: expect.stringMatching(/content hashes to/), referencedBy: ['s/p/u@1:weights'] }]);
    expect(weights!.digest).toBe(sha256('will be corrupted'));
  });
});

describe('lineage', () => {
  beforeEach(async () => {
    await registry.push('s/p/features', [file('m', 'features')]);
    await registry.push('s/p/xgb', [file('m', 'xgb')], { dependencies: [{ ref: 's/p/features@1', role: 'features' }] });
    await registry.push('s/p/lgbm', [file('m', 'lgbm')], { dependencies: [{ ref: 's/p/features@1', role: 'features' }] });
    await registry.push('s/p/stack', [{ name: 'meta', body: Buffer.from('meta'), kind: 'meta_model' }], {
      dependencies: [{ ref: 's/p/xgb@1' }, { ref: 's/p/lgbm@1' }],
    });
  });

  it('walks dependencies transitively, with a depth limit', async () => {
    expect(await registry.dependencies('s/p/stack')).toEqual([
      { ref: 's/p/xgb@1', role: 'source', depth: 1, via: 's/p/stack@1' },
      { ref: 's/p/lgbm@1', role: 'source', depth: 1, via: 's/p/stack@1' },
      { ref: 's/p/features@1', role: 'features', depth: 2, via: 's/p/xgb@1' },
    ]);
    expect((await registry.dependencies('s/p/stack', { maxDepth: 1 })).map((entry) => entry.ref)).toEqual(['s/p/xgb@1', 's/p/lgbm@1']);
  });

  it('walks dependents transitively', async () => {
    expect((await registry.dependents('s/p/features@1')).map((entry) => [entry.ref, entry.depth])).toEqual([
      ['s/p/lgbm@1', 1], ['s/p/xgb@1', 1], ['s/p/stack@1', 2],
    ]);
    expect(await registry.dependents('s/p/stack@1')).toEqual([]);
  });
});

describe('listing at scale', () => {
  it('makes the same number of store requests per call however many other model lines exist', async () => {
    const requestsWith = async (otherLines: number) => {
      const counting = new CountingStore(new MemoryStore());
      const scaled = createRegistry({ backend: counting });
      for (let i = 0; i < 3; i++) await scaled.push('shop/sales/xgb', [file('m', `v${i}`)]);
      for (let i = 0; i < otherLines; i++) await scaled.push(`shop/sales/type-${i}`, [file('m', `other ${i}`)]);
      const counts: Record<string, number> = {};
      const measure = async (label: string, call: () => Promise<unknown>) => {
        counting.reset();
        await call();
        counts[label] = counting.total;
      };
      await measure('versions', () => scaled.versions('shop/sales/xgb'));
      await measure('resolve latest', () => scaled.resolve('shop/sales/xgb@latest'));
      await measure('list one line', () => scaled.list({ store: 'shop', product: 'sales', type: 'xgb' }));
      return counts;
    };
    const few = await requestsWith(0);
    expect(await requestsWith(40)).toEqual(few);
    expect(few).toEqual({ versions: 1, 'resolve latest': 1, 'list one line': 5 });
  });
});
