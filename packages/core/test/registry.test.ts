import { beforeEach, describe, expect, it } from '@jest/globals';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CountingStore, pseudoRandomStream } from '../src/testing/helpers.js';
import { tempDirPerTest } from '../src/testing/index.js';
import {
  AbortedError, BackendError, type Digest, IntegrityError, KeyScheme, type ProgressEvent, sha256, type PutBody, type PutOptions, type PutResult, readAll,
  ConflictError, InvalidInputError, InvalidManifestError, MemoryStore, NotFoundError, Registry, UnsafeStoreError, createRegistry,
  type StoreCapabilities,
} from '../src/index.js';

const keys = new KeyScheme('');
let store: MemoryStore;
let registry: Registry;
const dir = tempDirPerTest('registry');

beforeEach(async () => {
  store = new MemoryStore();
  registry = createRegistry({ backend: store });
});

const one = (text: string) => [{ name: 'model.bin', body: Buffer.from(text) }];

describe('listing', () => {
  beforeEach(async () => {
    await registry.push('shop/sales/xgb', one('a'), { tags: { team: 'eu' }, metrics: { rmse: 3 } });
    await registry.push('shop/sales/xgb', one('b'), { tags: { team: 'eu' }, metrics: { rmse: 2 } });
    await registry.push('shop/stock/xgb', one('c'), { tags: { team: 'us' }, metrics: { rmse: 1 } });
    await registry.push('shop/stock/lgbm', one('d'), { metrics: { auc: 0.9 } });
    await registry.push('outlet/sales/xgb', one('e'), { tags: { team: 'eu' } });
  });

  it('lists stores, products and types', async () => {
    expect(await registry.stores()).toEqual(['outlet', 'shop']);
    expect(await registry.products('shop')).toEqual(['sales', 'stock']);
    expect(await registry.types('shop', 'stock')).toEqual(['lgbm', 'xgb']);
    expect(await registry.versions('shop/sales/xgb')).toEqual([1, 2]);
  });

  it('lists by store, store and product, and model type, filtered by tags and metrics', async () => {
    const refs = (manifests: Array<{ store: string; product: string; type: string; version: number }>) =>
      manifests.map((m) => `${m.store}/${m.product}/${m.type}@${m.version}`);
    expect(refs(await registry.list({ store: 'shop' }))).toEqual(['shop/sales/xgb@1', 'shop/sales/xgb@2', 'shop/stock/lgbm@1', 'shop/stock/xgb@1']);
    expect(refs(await registry.list({ store: 'shop', product: 'stock' }))).toEqual(['shop/stock/lgbm@1', 'shop/stock/xgb@1']);
    expect(refs(await registry.list({ type: 'xgb', tags: { team: 'eu' } }))).toEqual(['outlet/sales/xgb@1', 'shop/sales/xgb@1', 'shop/sales/xgb@2']);
    expect(refs(await registry.list({ metrics: { rmse: { lt: 3 } } }))).toEqual(['shop/sales/xgb@2', 'shop/stock/xgb@1']);
    expect(refs(await registry.list({ store: 'shop', latestOnly: true }))).toEqual(['shop/sales/xgb@2', 'shop/stock/lgbm@1', 'shop/stock/xgb@1']);
  });

  it('shows which aliases point at a version in info', async () => {
    await registry.promote('shop/sales/xgb@1', 'production');
    await registry.promote('shop/sales/xgb@1', 'staging');
    const info = await registry.info('shop/sales/xgb@production');
    expect(info.version).toBe(1);
    expect(info.aliases.sort()).toEqual(['production', 'staging']);
    expect(info.manifest.metrics).toEqual({ rmse: 3 });
  });
});

describe('resolve', () => {
  it('explains what is missing', async () => {
    await expect(registry.resolve('shop/sales/xgb')).rejects.toThrow('shop/sales/xgb has no versions; push one first.');
    await registry.push('shop/sales/xgb', one('a'));
    await expect(registry.resolve('shop/sales/xgb@9')).rejects.toThrow(/shop\/sales\/xgb@9 does not exist; existing versions: 1/);
    await expect(registry.resolve('shop/sales/xgb@production')).rejects.toThrow(NotFoundError);
    expect(await registry.resolve('shop/sales/xgb@v1')).toMatchObject({ version: 1, ref: 'shop/sales/xgb@1' });
  });
});

describe('push', () => {
  it('merges the default params of an allowed model type and refuses other types', async () => {
    const typed = createRegistry({ backend: store, modelTypes: { xgb: { defaultParams: { depth: 6, eta: 0.3 } } } });
    const pushed = await typed.push('shop/sales/xgb', one('a'), { params: { eta: 0.1 } });
    expect(pushed.manifest.params).toEqual({ depth: 6, eta: 0.1 });
    await expect(typed.push('shop/sales/prophet', one('a'))).rejects.toThrow('Model type "prophet" is not allowed by this registry\'s config; allowed types: xgb.');
  });

  it('pins dependencies to a version and refuses ones that do not exist', async () => {
    await registry.push('shop/sales/xgb', one('base'));
    await registry.promote('shop/sales/xgb@1');
    const meta = await registry.push('shop/sales/stack', [{ name: 'meta.bin', body: Buffer.from('m'), kind: 'meta_model' }], {
      dependencies: [{ ref: 'shop/sales/xgb@production' }],
    });
    expect(meta.manifest.dependencies).toEqual([{ ref: 'shop/sales/xgb@1', role: 'source' }]);
    await expect(
      registry.push('shop/sales/stack', [{ name: 'meta.bin', body: Buffer.from('m') }], { dependencies: [{ ref: 'shop/sales/lgbm@1' }] }),
    ).rejects.toThrow(/Dependency shop\/sales\/lgbm@1 does not exist/);
  });

  it('validates the artifact graph before any byte moves', async () => {
    const cases: Array<[Parameters<Registry['push']>[1], RegExp]> = [
      [[{ name: 'meta.bin', body: Buffer.from('m'), kind: 'meta_model' }], /Meta-model "meta.bin" has no sources/],
      [[{ name: 'a', body: Buffer.from('a'), dependsOn: ['missing'] }], /depends on "missing", which is not in this push/],
      [[{ name: 'a', body: Buffer.from('a'), dependsOn: ['b'] }, { name: 'b', body: Buffer.from('b'), dependsOn: ['a'] }], /cycle: a -> b -> a/],
      [[{ name: 'a', body: Buffer.from('a') }, { name: 'a', body: Buffer.from('b') }], /appears twice/],
      [[{ name: '../escape', body: Buffer.from('a') }], /artifact #1 .*name/],
      [[{ name: 'a', body: Buffer.from('a'), kind: 'weights' as never }], /kind/],
      [[], /at least one artifact/],
    ];
    for (const [artifacts, message] of cases) {
      await expect(registry.push('shop/sales/xgb', artifacts)).rejects.toThrow(message);
    }
    expect(await registry.versions('shop/sales/xgb')).toEqual([]);
    expect(await keysOf(store)).toEqual([]);
  });

  it('rejects metrics that are not finite numbers', async () => {
    await expect(registry.push('shop/sales/xgb', one('a'), { metrics: { rmse: Number.NaN } })).rejects.toThrow(/metrics\.rmse: .*received NaN/);
    await expect(registry.push('shop/sales/xgb', one('a'), { metrics: { rmse: Number.POSITIVE_INFINITY } })).rejects.toThrow(/metrics\.rmse: /);
    await expect(registry.push('shop/sales/xgb', one('a'), { metrics: { rmse: '1' as never } })).rejects.toThrow(InvalidInputError);
  });

  it('refuses to push to an alias', async () => {
    await expect(registry.push('shop/sales/xgb@production', one('a'))).rejects.toThrow(/Cannot push to alias "production"/);
  });

  it('uses the blob a concurrent pusher of the same bytes wrote when its own write of that blob fails', async () => {
    const racing = new (class extends MemoryStore {
      override async put(key: string, body: PutBody, options: PutOptions = {}): Promise<PutResult> {
        if (!key.startsWith('blobs/')) return super.put(key, body, options);
        await super.put(key, body, options); // the other pusher's write lands first...
        throw new BackendError('InvalidBlockList: the block list was replaced by a concurrent commit', { key }); // ...and ours loses
      }
    })();
    const pushed = await createRegistry({ backend: racing }).push('shop/sales/xgb', one('same bytes'));
    expect(pushed.uploadedBytes).toBe(0);
    expect(await readAll(await createRegistry({ backend: racing }).openArtifact(pushed.ref, 'model.bin'))).toEqual(Buffer.from('same bytes'));

    const failing = new (class extends MemoryStore {
      override async put(key: string, body: PutBody, options: PutOptions = {}): Promise<PutResult> {
        if (key.startsWith('blobs/')) throw new BackendError('service unavailable', { key });
        return super.put(key, body, options);
      }
    })();
    await expect(createRegistry({ backend: failing }).push('shop/sales/xgb', one('a'))).rejects.toThrow('service unavailable');
    expect(await keysOf(failing)).toEqual([]);
  });

  it('reports progress per artifact and per byte, on push and on pull', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 5, 7);
    const file = join(dir.path, 'big.bin');
    await writeFile(file, big);
    const pushEvents: ProgressEvent[] = [];
    const pushed = await registry.push('shop/sales/xgb', [{ name: 'a', body: Buffer.from('aaa') }, { name: 'big', body: file }], {}, {
      onProgress: (event) => pushEvents.push(event),
    });
    const pullEvents: ProgressEvent[] = [];
    await registry.pull(pushed.ref, join(dir.path, 'out'), { onProgress: (event) => pullEvents.push(event) });
    for (const events of [pushEvents, pullEvents]) {
      const ofBig = events.filter((event) => event.artifact === 'big');
      expect(ofBig[0]).toEqual({ type: 'artifact-start', artifact: 'big', size: big.length });
      expect(ofBig.at(-1)).toEqual({ type: 'artifact-done', artifact: 'big', size: big.length, transferredBytes: big.length });
      const progress = ofBig.filter((event) => event.type === 'artifact-progress').map((event) => event.transferredBytes);
      expect(progress.length).toBeGreaterThan(1); // the file moves in chunks, each reported
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(progress.at(-1)).toBe(big.length);
      expect(events.filter((event) => event.artifact === 'a').map((event) => event.type)).toEqual(['artifact-start', 'artifact-progress', 'artifact-done']);
    }
  });

  it('hashes a large file on a worker thread to the same digest, and stops when aborted', async () => {
    const { stream, digest } = pseudoRandomStream(17 * 1024 * 1024 + 3);
    const file = join(dir.path, 'large.bin');
    await pipeline(stream, createWriteStream(file));
    const pushed = await registry.push('shop/sales/xgb', [{ name: 'large.bin', body: file }]);
    expect(pushed.manifest.artifacts[0]).toMatchObject({ digest, size: 17 * 1024 * 1024 + 3 });

    const controller = new AbortController();
    const pushing = registry.push('shop/sales/other', [{ name: 'large.bin', body: file }], {}, { signal: controller.signal });
    controller.abort();
    await expect(pushing).rejects.toThrow(AbortedError);
    expect(await registry.versions('shop/sales/other')).toEqual([]);
  });

  it('counts as reused only blobs that were already stored, whatever their size', async () => {
    const first = await registry.push('shop/sales/xgb', [{ name: 'empty', body: Buffer.alloc(0) }, { name: 'a', body: Buffer.from('a') }]);
    expect(first.reusedArtifacts).toEqual([]);
    const second = await registry.push('shop/sales/xgb', [{ name: 'empty', body: Buffer.alloc(0) }, { name: 'b', body: Buffer.from('b') }]);
    expect(second.reusedArtifacts).toEqual(['empty']);
  });

  it('pulls a large blob as parallel ranged reads, verified, and leaves nothing when it does not match', async () => {
    const counting = new CountingStore(store);
    const ranged = createRegistry({ backend: counting, rangeThresholdBytes: 1024 * 1024, rangeBytes: 64 * 1024, rangeConcurrency: 3 });
    const { stream, digest } = pseudoRandomStream(1024 * 1024 + 17);
    const pushed = await ranged.push('shop/sales/xgb', [{ name: 'big.bin', body: stream }]);
    expect(pushed.manifest.artifacts[0]!.digest).toBe(digest);

    counting.reset();
    const progress: number[] = [];
    const pulled = await ranged.pull(pushed.ref, join(dir.path, 'ranged'), {
      onProgress: (event) => event.type === 'artifact-progress' && progress.push(event.transferredBytes),
    });
    expect(sha256(await readFile(pulled.files['big.bin']!))).toBe(digest);
    expect(counting.counts.get).toBe(1 + 17); // the manifest, then 17 ranges of 64 KiB
    expect(progress.at(-1)).toBe(1024 * 1024 + 17);

    store.corrupt(blobKeyOf(pushed.manifest.artifacts[0]!.digest), Buffer.alloc(1024 * 1024 + 17, 1));
    await expect(ranged.pull(pushed.ref, join(dir.path, 'tampered'))).rejects.toThrow(IntegrityError);
    expect(await readdir(join(dir.path, 'tampered')).catch(() => [])).toEqual([]);
  });

  it('pulls from a manifest already read without reading it again', async () => {
    const counting = new CountingStore(store);
    const counted = createRegistry({ backend: counting });
    const pushed = await counted.push('shop/sales/xgb', one('weights'));
    const manifest = await counted.manifest(pushed.ref);
    counting.reset();
    const pulled = await counted.pull(manifest, join(dir.path, 'from-manifest'));
    expect(pulled.ref).toBe(pushed.ref);
    expect(await readFile(pulled.files['model.bin']!, 'utf8')).toBe('weights');
    expect(counting.counts).toMatchObject({ get: 1, head: 0, list: 0 }); // the blob only
  });

  it('returns pulled files in manifest order', async () => {
    // The first artifact is the largest, so it finishes last.
    const names = ['z-large', 'a-small', 'm-small'];
    const pushed = await registry.push('shop/sales/xgb', names.map((name, index) => ({ name, body: Buffer.alloc(index === 0 ? 4 * 1024 * 1024 : 1, index) })));
    expect(Object.keys((await registry.pull(pushed.ref, join(dir.path, 'ordered'))).files)).toEqual(names);
    const chosen = await registry.pull(pushed.ref, join(dir.path, 'chosen'), { artifacts: ['m-small', 'z-large', 'm-small'] });
    expect(Object.keys(chosen.files)).toEqual(['z-large', 'm-small']);
  });
});

describe('a store without conditional writes', () => {
  class LastWriterWinsStore extends MemoryStore {
    override readonly capabilities: StoreCapabilities = { conditionalWrites: false, staging: false, boundedMemory: false, fileCopy: false };
  }
  class ProbedStore extends MemoryStore {
    probes = 0;
    async verifyCapabilities(): Promise<StoreCapabilities> {
      this.probes++;
      return { ...this.capabilities, conditionalWrites: false };
    }
  }

  it('is refused for writes unless the user opts out', async () => {
    const unsafe = createRegistry({ backend: new LastWriterWinsStore() });
    await expect(unsafe.push('shop/sales/xgb', one('a'))).rejects.toThrow(UnsafeStoreError);
    const optedOut = createRegistry({ backend: new LastWriterWinsStore(), allowUnsafeStore: true });
    expect((await optedOut.push('shop/sales/xgb', one('a'))).version).toBe(1);
  });

  it('is detected by the backend probe, run once', async () => {
    const backend = new ProbedStore();
    const probed = createRegistry({ backend });
    await expect(probed.push('shop/sales/xgb', one('a'))).rejects.toThrow(/does not enforce conditional writes/);
    await expect(probed.setAlias('shop/sales/xgb@1', 'production')).rejects.toThrow(UnsafeStoreError);
    expect(backend.probes).toBe(1);
  });
});

describe('aliases', () => {
  beforeEach(async () => {
    for (const text of ['a', 'b', 'c']) await registry.push('shop/sales/xgb', one(text));
  });

  it('rolls back step by step through earlier targets', async () => {
    await registry.promote('shop/sales/xgb@1');
    await registry.promote('shop/sales/xgb@2');
    await registry.promote('shop/sales/xgb@3', 'production', { reason: 'better rmse' });
    const promoted = await registry.promote('shop/sales/xgb@latest', 'staging');
    expect(promoted).toEqual(expect.objectContaining({ store: 'shop', alias: 'staging', version: 3, ref: 'shop/sales/xgb@3' }));
    const rolledBack = await registry.rollback('shop/sales/xgb');
    // The same shape whichever call moved the alias.
    expect(Object.keys(rolledBack).sort()).toEqual(Object.keys(promoted).sort());
    expect(rolledBack).toEqual(expect.objectContaining({ alias: 'production', version: 2, ref: 'shop/sales/xgb@2' }));
    expect((await registry.rollback('shop/sales/xgb')).version).toBe(1);
    await expect(registry.rollback('shop/sales/xgb')).rejects.toThrow(ConflictError);
    const [production] = await registry.aliases('shop/sales/xgb');
    expect(production!.history.find((event) => event.reason)?.reason).toBe('better rmse');
  });

  it('refuses reserved alias names and missing versions', async () => {
    await expect(registry.setAlias('shop/sales/xgb@1', 'latest')).rejects.toThrow(/reserved/);
    await expect(registry.setAlias('shop/sales/xgb@9', 'production')).rejects.toThrow(NotFoundError);
  });

  it('deletes an alias and keeps the versions', async () => {
    await registry.promote('shop/sales/xgb@2', 'staging');
    await registry.deleteAlias('shop/sales/xgb', 'staging');
    expect(await registry.aliases('shop/sales/xgb')).toEqual([]);
    expect(await registry.versions('shop/sales/xgb')).toEqual([1, 2, 3]);
  });
});

describe('deleteVersion', () => {
  beforeEach(async () => {
    for (const text of ['a', 'b']) await registry.push('shop/sales/xgb', one(text));
    await registry.promote('shop/sales/xgb@1');
  });

  it('refuses a version an alias points at unless forced', async () => {
    await expect(registry.deleteVersion('shop/sales/xgb@1')).rejects.toThrow('shop/sales/xgb@1 is the target of alias "production"');
    expect(await registry.versions('shop/sales/xgb')).toEqual([1, 2]);
    await registry.deleteVersion('shop/sales/xgb@1', { force: true });
    expect(await registry.versions('shop/sales/xgb')).toEqual([2]);
    await expect(registry.resolve('shop/sales/xgb@production')).resolves.toMatchObject({ version: 1 });
    await expect(registry.manifest('shop/sales/xgb@production')).rejects.toThrow(NotFoundError);
  });

  it('refuses a version other versions depend on, naming them; forced, it reports what it broke', async () => {
    const meta = [{ name: 'meta.bin', body: Buffer.from('meta'), kind: 'meta_model' as const }];
    await registry.push('shop/sales/stack', meta, { dependencies: [{ ref: 'shop/sales/xgb@2' }] });
    await registry.push('shop/other/stack', meta, { dependencies: [{ ref: 'shop/sales/xgb@2', role: 'base' }] });
    await expect(registry.deleteVersion('shop/sales/xgb@2')).rejects.toThrow(
      'shop/sales/xgb@2 is a dependency of shop/other/stack@1, shop/sales/stack@1; delete those versions first, or pass force.',
    );
    expect(await registry.versions('shop/sales/xgb')).toEqual([1, 2]);
    const forced = await registry.deleteVersion('shop/sales/xgb@2', { force: true });
    expect(forced).toMatchObject({ ref: 'shop/sales/xgb@2', danglingAliases: [], brokenDependents: ['shop/other/stack@1', 'shop/sales/stack@1'] });
    expect(await registry.versions('shop/sales/xgb')).toEqual([1]);
  });

  it('needs an explicit version', async () => {
    await expect(registry.deleteVersion('shop/sales/xgb@latest')).rejects.toThrow(/needs an explicit version/);
    await registry.deleteVersion('shop/sales/xgb@2');
    expect(await registry.versions('shop/sales/xgb')).toEqual([1]);
  });
});

describe('purge', () => {
  beforeEach(async () => {
    await registry.push('shop/sales/xgb', one('a'));
    await registry.push('shop/sales/xgb', one('b'));
    await registry.push('shop/sales/lgbm', one('c'));
    await registry.push('shop/returns/xgb', one('d'));
    await registry.promote('shop/sales/xgb@2');
  });

  it('reports a dry run, then deletes every version and alias of the scope and nothing else', async () => {
    const dry = await registry.purge('shop/sales');
    expect(dry).toEqual({
      dryRun: true,
      scope: 'shop/sales',
      versions: ['shop/sales/lgbm@1', 'shop/sales/xgb@1', 'shop/sales/xgb@2'],
      aliases: ['shop/sales/xgb@production'],
    });
    expect(await registry.versions('shop/sales/xgb')).toEqual([1, 2]);
    expect(await registry.purge('shop/sales', { dryRun: false })).toMatchObject({ dryRun: false, versions: dry.versions, aliases: dry.aliases });
    expect(await registry.lines({ store: 'shop' })).toEqual([{ store: 'shop', product: 'returns', type: 'xgb' }]);
    expect(await registry.aliases('shop/sales/xgb')).toEqual([]);
  });

  it('refuses while versions outside the scope depend on versions in it', async () => {
    await registry.push('shop/returns/stack', [{ name: 'meta.bin', body: Buffer.from('meta'), kind: 'meta_model' }], { dependencies: [{ ref: 'shop/sales/lgbm@1' }] });
    await expect(registry.purge({ store: 'shop', product: 'sales' }, { dryRun: false })).rejects.toThrow(
      'Cannot purge shop/sales: versions outside it depend on versions in it: shop/returns/stack@1 (on shop/sales/lgbm@1).',
    );
    expect(await registry.versions('shop/sales/lgbm')).toEqual([1]);
    expect((await registry.purge('shop', { dryRun: false })).versions).toHaveLength(5); // the dependent is inside this scope
  });

  it('rejects a malformed scope', async () => {
    for (const scope of ['', 'a/b/c/d', 'a//c', 'shop/sales/xgb@1']) await expect(registry.purge(scope)).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('folds and stacks', () => {
  it('pulls per-fold models grouped by fold', async () => {
    const artifacts = [0, 1, 2].flatMap((fold) => [
      { name: `folds/${fold}/model.bin`, body: Buffer.from(`model ${fold}`), fold },
      { name: `folds/${fold}/scaler.bin`, body: Buffer.from(`scaler ${fold}`), kind: 'transformer' as const, fold },
    ]);
    await registry.push('shop/sales/cv', [...artifacts, { name: 'report.json', body: Buffer.from('{}'), kind: 'other' }]);
    const folds = await registry.pullFolds('shop/sales/cv', dir.path);
    expect(folds.map((fold) => fold.fold)).toEqual([0, 1, 2]);
    expect(Object.keys(folds[1]!.files).sort()).toEqual(['folds/1/model.bin', 'folds/1/scaler.bin']);
    expect(await readFile(folds[2]!.files['folds/2/model.bin']!, 'utf8')).toBe('model 2');
    expect(await readdir(dir.path)).toEqual(['folds']); // report.json was not pulled
  });

  it('pulls a meta-model and its source models in declared order', async () => {
    await registry.push('shop/sales/xgb', one('xgb'));
    await registry.push('shop/sales/lgbm', one('lgbm'));
    await registry.push('shop/sales/stack', [{ name: 'meta.bin', body: Buffer.from('meta'), kind: 'meta_model' }], {
      dependencies: [{ ref: 'shop/sales/lgbm@1' }, { ref: 'shop/sales/xgb@latest' }],
    });
    const stack = await registry.pullStack('shop/sales/stack', dir.path);
    expect(await readFile(stack.meta.files['meta.bin']!, 'utf8')).toBe('meta');
    expect(stack.sources.map((source) => source.pulled.ref)).toEqual(['shop/sales/lgbm@1', 'shop/sales/xgb@1']);
    expect(await readFile(stack.sources[1]!.pulled.files['model.bin']!, 'utf8')).toBe('xgb');
  });
});

describe('bad input leaves stored data intact', () => {
  beforeEach(async () => {
    await registry.push('shop/sales/xgb', one('kept'));
    await registry.promote('shop/sales/xgb@1');
  });

  it.each<[string, () => Promise<unknown>, typeof InvalidInputError, RegExp]>([
    ['an invalid id', () => registry.push('shop/../xgb', one('x')), InvalidInputError, /Invalid product id "\.\."/],
    ['a missing file', () => registry.push('shop/sales/xgb', [{ name: 'm', body: '/nonexistent/model.bin' }]), InvalidInputError, /file \/nonexistent\/model.bin does not exist/],
    ['a directory instead of a file', () => registry.push('shop/sales/xgb', [{ name: 'm', body: tmpdir() }]), InvalidInputError, /is a directory; pass one file per artifact/],
    ['a body of the wrong type', () => registry.push('shop/sales/xgb', [{ name: 'm', body: 42 as never }]), InvalidInputError, /body must be a file path, a Buffer/],
  ])('rejects %s with a clear typed error', async (_, attempt, errorClass, message) => {
    const before = await snapshot(store);
    const error = await attempt().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as Error).message).toMatch(message);
    expect(await snapshot(store)).toEqual(before);
  });

  it('reports a corrupted manifest by key and leaves it for repair', async () => {
    const key = keys.manifestKey({ store: 'shop', product: 'sales', type: 'xgb' }, 1);
    await store.put(key, Buffer.from('{"truncated":'));
    const before = await snapshot(store);
    await expect(registry.manifest('shop/sales/xgb@1')).rejects.toThrow(InvalidManifestError);
    await expect(registry.pull('shop/sales/xgb@1', dir.path)).rejects.toThrow(`Manifest ${key} is not valid JSON`);
    expect(await snapshot(store)).toEqual(before);
  });

  it('fails a pull of a tampered blob without leaving a partial file, and changes nothing stored', async () => {
    const manifest = await registry.manifest('shop/sales/xgb@1');
    store.corrupt(keys.blobKey(manifest.artifacts[0]!.digest), Buffer.from('kepT'));
    const before = await snapshot(store);
    await expect(registry.pull('shop/sales/xgb@1', dir.path)).rejects.toThrow(/model.bin" does not match sha256:.*content hashes to/);
    expect(await readdir(dir.path)).toEqual([]);
    expect(await snapshot(store)).toEqual(before);
  });

  it('writes nothing when a file goes missing between validation and upload of another', async () => {
    const path = join(dir.path, 'ok.bin');
    await writeFile(path, 'fine');
    const before = await snapshot(store);
    await expect(registry.push('shop/sales/xgb', [{ name: 'ok', body: path }, { name: 'gone', body: join(dir.path, 'gone.bin') }])).rejects.toThrow(/gone.bin does not exist/);
    expect(await snapshot(store)).toEqual(before);
  });
});

async function keysOf(target: MemoryStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of target.list('')) if (entry.type === 'object') keys.push(entry.key);
  return keys;
}

async function snapshot(target: MemoryStore): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  for await (const entry of target.list('')) if (entry.type === 'object') entries[entry.key] = entry.etag;
  return entries;
}

function blobKeyOf(digest: Digest): string {
  return new KeyScheme('').blobKey(digest);
}
