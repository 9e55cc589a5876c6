import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BackendError, DependencyCycleError, IntegrityError, InvalidInputError, KeyScheme, type Loader, type Manifest, MemoryStore, NotFoundError, type Registry,
  createLoader, createRegistry, parsePinnedRef, readAll,
} from '../src/index.js';

const keys = new KeyScheme('');
const body = (text: string) => Buffer.from(text.repeat(100));

let memory: MemoryStore;
let registry: Registry;
let cacheDir: string;
let dir: string;
const loaders: Loader[] = [];

function loader(): Loader {
  const created = createLoader({ registry, cacheDir, onWarning: () => {} });
  loaders.push(created);
  return created;
}

/** Edits a stored manifest in place, as a hand edit or a foreign import could have. */
async function rewriteManifest(ref: string, edit: (manifest: Manifest) => void): Promise<void> {
  const pinned = parsePinnedRef(ref);
  const manifest = await registry.readManifest(pinned, pinned.version);
  edit(manifest);
  await memory.put(keys.manifestKey(pinned, pinned.version), Buffer.from(JSON.stringify(manifest)));
}

/** A cross-validated version: a shared scaler and three fold models that need it, on two branches of a model tree. */
async function pushFolds(): Promise<void> {
  await registry.push('shop/sales/cv', [
    { name: 'prep/scaler.bin', body: body('scaler'), kind: 'transformer' },
    ...[0, 1, 2].map((fold) => ({ name: `folds/${fold}/model.bin`, body: body(`model ${fold}`), fold, dependsOn: ['prep/scaler.bin'], branch: fold === 2 ? [1] : [0, fold] })),
    { name: 'report.json', body: body('{}'), kind: 'other' },
  ]);
}

/** base-a@1 <- base-b@1 (across versions), and a stack whose meta-model needs a transformer of its own version and both bases. */
async function pushStack(): Promise<void> {
  await registry.push('shop/sales/base-a', [{ name: 'model.bin', body: body('a') }, { name: 'encoder.json', body: body('enc'), kind: 'encoder' }]);
  await registry.push('shop/sales/base-b', [{ name: 'model.bin', body: body('b') }], { dependencies: [{ ref: 'shop/sales/base-a@1', role: 'parent' }] });
  await registry.push(
    'shop/sales/stack',
    [
      { name: 'meta.bin', body: body('meta'), kind: 'meta_model', dependsOn: ['prep.bin'] },
      { name: 'prep.bin', body: body('prep'), kind: 'transformer' },
      { name: 'report.json', body: body('report'), kind: 'other' },
    ],
    { dependencies: [{ ref: 'shop/sales/base-b@latest' }, { ref: 'shop/sales/base-a@1' }] },
  );
  await registry.promote('shop/sales/stack@1', 'production');
}

beforeEach(async () => {
  memory = new MemoryStore();
  registry = createRegistry({ backend: memory });
  cacheDir = await mkdtemp(join(tmpdir(), 'modelreg-loading-api-'));
  dir = await mkdtemp(join(tmpdir(), 'modelreg-pull-api-'));
});
afterEach(async () => {
  await Promise.all(loaders.splice(0).map((created) => created.close()));
  await Promise.all([rm(cacheDir, { recursive: true, force: true }), rm(dir, { recursive: true, force: true })]);
});

describe('selecting artifacts (loader and registry pull share the rule)', () => {
  beforeEach(pushFolds);

  it.each<[string, Parameters<Loader['load']>[1], string[]]>([
    ['names', { artifacts: ['report.json', 'prep/scaler.bin'] }, ['prep/scaler.bin', 'report.json']],
    ['kinds', { kinds: ['transformer', 'other'] }, ['prep/scaler.bin', 'report.json']],
    ['folds', { folds: [2, 0] }, ['folds/0/model.bin', 'folds/2/model.bin']],
    ['a branch and the branches below it', { branch: [0] }, ['folds/0/model.bin', 'folds/1/model.bin']],
    ['a nested branch', { branch: [0, 1] }, ['folds/1/model.bin']],
    ['criteria combined', { kinds: ['model'], branch: [1] }, ['folds/2/model.bin']],
  ])('by %s: the loader downloads only those, and pull writes only those', async (_what, selection, expected) => {
    const cache = loader();
    const model = await cache.load('shop/sales/cv@1', selection);
    expect(Object.keys(model.files)).toEqual(expected);
    expect(model.artifacts.map((artifact) => artifact.name)).toEqual(expected);
    for (const [name, path] of Object.entries(model.files)) expect(await readFile(path)).toEqual(await readAll(await registry.openArtifact('shop/sales/cv@1', name)));
    expect((await cache.stats()).misses).toBe(expected.length);

    const pulled = await registry.pull('shop/sales/cv@1', dir, selection);
    expect(Object.keys(pulled.files)).toEqual(expected);
    const onDisk = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
    expect(onDisk.sort()).toEqual(Object.values(pulled.files).sort());
  });

  it.each<[string, Parameters<Loader['load']>[1], RegExp]>([
    ['a kind no artifact has', { kinds: ['encoder'] }, /has no artifact of kind encoder; its kinds: model, other, transformer/],
    ['a fold that does not exist', { folds: [1, 7] }, /has no artifact of fold 7; its folds: 0, 1, 2/],
    ['a branch that does not exist', { branch: [0, 5] }, /has no artifact on branch 0\/5; its branches: 0\/0, 0\/1, 1/],
    ['a name that does not exist', { artifacts: ['nope.bin'] }, /has no artifact "nope.bin"; it has: prep\/scaler.bin, folds/],
    ['criteria that leave nothing', { kinds: ['transformer'], folds: [0] }, /No artifact of shop\/sales\/cv@1 meets every criterion \(kind transformer; fold 0\); it has: prep\/scaler.bin \(transformer\), folds\/0\/model.bin \(model, fold 0, branch 0\/0\)/],
  ])('%s is a NotFoundError naming what exists, in the loader and in pull, and nothing is written', async (_what, selection, message) => {
    const cache = loader();
    await expect(cache.load('shop/sales/cv@1', selection)).rejects.toThrow(message);
    await expect(cache.load('shop/sales/cv@1', selection)).rejects.toBeInstanceOf(NotFoundError);
    await expect(registry.pull('shop/sales/cv@1', dir, selection)).rejects.toThrow(message);
    expect(await readdir(dir)).toEqual([]);
    expect((await cache.stats()).misses).toBe(0);
  });

  it('refuses a malformed selection with InvalidInputError', async () => {
    for (const selection of [{ kinds: ['bogus'] }, { folds: [-1] }, { folds: [] }, { branch: [] }, { artifacts: ['../x'] }]) {
      await expect(loader().load('shop/sales/cv@1', selection as never)).rejects.toBeInstanceOf(InvalidInputError);
    }
  });

  it('groups fold models by fold, in the loader and in pull, optionally narrowed', async () => {
    const cache = loader();
    const loaded = await cache.loadFolds('shop/sales/cv@1');
    expect(loaded.folds.map(({ fold, artifacts }) => [fold, artifacts.map((artifact) => artifact.name)])).toEqual([
      [0, ['folds/0/model.bin']],
      [1, ['folds/1/model.bin']],
      [2, ['folds/2/model.bin']],
    ]);
    expect(await readFile(loaded.folds[1]!.files['folds/1/model.bin']!, 'utf8')).toBe('model 1'.repeat(100));
    expect(Object.keys(loaded.files)).not.toContain('report.json');

    const narrowed = await cache.loadFolds('shop/sales/cv@1', { branch: [0] });
    expect(narrowed.folds.map((group) => group.fold)).toEqual([0, 1]);
    const pulled = await registry.pullFolds('shop/sales/cv@1', dir, { folds: [2] });
    expect(pulled.map((group) => group.fold)).toEqual([2]);
    await expect(cache.loadFolds('shop/sales/cv@1', { kinds: ['transformer'] })).rejects.toThrow(/has no per-fold artifacts among the selected ones/);
  });

  it('loads a cached selection again without the store, also in a new loader (its manifest comes from the selection folder)', async () => {
    (await loader().load('shop/sales/cv@1', { folds: [0] })).release();
    const unreachable = () => Promise.reject(new BackendError('connect ECONNREFUSED 127.0.0.1:9'));
    const offline = createLoader({ registry: { location: registry.location, resolve: unreachable, readManifest: unreachable, downloadBlob: unreachable }, cacheDir, onWarning: () => {} });
    loaders.push(offline);
    const again = await offline.load('shop/sales/cv@1', { folds: [0] });
    expect(again.downloadedBytes).toBe(0);
    expect(await readFile(again.files['folds/0/model.bin']!, 'utf8')).toBe('model 0'.repeat(100));
    await expect(offline.load('shop/sales/cv@1', { folds: [1] })).rejects.toThrow(/could not be reached or failed .* does not hold it/);
  });

  it('keeps a selection in a folder of its own: a whole-version load and eviction of other blobs leave it intact', async () => {
    const cache = loader();
    const whole = await cache.load('shop/sales/cv@1');
    whole.release();
    const fold0 = await cache.load('shop/sales/cv@1', { folds: [0] });
    expect(fold0.dir).not.toBe(whole.dir);
    const report = await cache.setCacheLimit(0); // everything but the pinned fold 0 model goes
    expect(report.evictedBlobs).toHaveLength(4);
    expect(await readFile(fold0.files['folds/0/model.bin']!, 'utf8')).toBe('model 0'.repeat(100));
    await expect(readFile(whole.files['report.json']!)).rejects.toThrow(/ENOENT/);
    fold0.release();
  });
});

describe('a version with everything it depends on', () => {
  beforeEach(pushStack);

  it('loads a meta-model, what it needs in its version, and its source versions transitively, dependencies first, through the alias', async () => {
    const cache = loader();
    const stack = await cache.loadWithDependencies('shop/sales/stack@production', { kinds: ['meta_model'] });
    expect(stack.models.map((model) => [model.ref, model.artifacts.map((artifact) => artifact.name), model.dependency])).toEqual([
      ['shop/sales/base-a@1', ['model.bin', 'encoder.json'], { role: 'parent', via: 'shop/sales/base-b@1' }],
      ['shop/sales/base-b@1', ['model.bin'], { role: 'source', via: 'shop/sales/stack@1' }],
      ['shop/sales/stack@1', ['prep.bin', 'meta.bin'], undefined],
    ]);
    expect(stack.root).toBe(stack.models[2]);
    expect(await readFile(stack.models[0]!.files['encoder.json']!, 'utf8')).toBe('enc'.repeat(100));
    expect(await readFile(stack.root.files['meta.bin']!, 'utf8')).toBe('meta'.repeat(100));
    expect(stack.root.files['report.json']).toBeUndefined();
    expect(cache.pinned.sort()).toEqual(['shop/sales/base-a@1', 'shop/sales/base-b@1', 'shop/sales/stack@1']);
    stack.release();
    expect(cache.pinned).toEqual([]);
    expect((await cache.stats()).misses).toBe(5); // a's two, b's one, meta and prep; report.json never
  });

  it('pulls the same closure all or nothing: a corrupt blob in a dependency leaves the folder empty', async () => {
    const closure = await registry.dependencyClosure('shop/sales/stack@production', { kinds: ['meta_model'] });
    const stack = await registry.pullStack(closure, dir);
    expect(stack.sources.map(({ pulled, role, via }) => [pulled.ref, role, via])).toEqual([
      ['shop/sales/base-a@1', 'parent', 'shop/sales/base-b@1'],
      ['shop/sales/base-b@1', 'source', 'shop/sales/stack@1'],
    ]);
    expect(Object.keys(stack.meta.files)).toEqual(['prep.bin', 'meta.bin']);
    expect(stack.sources[0]!.pulled.files['model.bin']).toBe(join(dir, 'sources', 'shop', 'sales', 'base-a', '1', 'model.bin'));
    expect(await readFile(stack.sources[0]!.pulled.files['model.bin']!, 'utf8')).toBe('a'.repeat(100));

    const empty = await mkdtemp(join(tmpdir(), 'modelreg-pull-api-'));
    try {
      const baseA = await registry.readManifest({ store: 'shop', product: 'sales', type: 'base-a' }, 1);
      await memory.put(keys.blobKey(baseA.artifacts[1]!.digest), body('tampered'));
      await expect(registry.pullStack('shop/sales/stack@1', empty)).rejects.toBeInstanceOf(IntegrityError);
      expect(await readdir(empty)).toEqual([]); // the meta-model's own files did not land either
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('reports a loop across versions as DependencyCycleError naming it, and pulls or loads nothing', async () => {
    await rewriteManifest('shop/sales/base-a@1', (manifest) => manifest.dependencies.push({ ref: 'shop/sales/stack@1', role: 'oops' }));
    const cache = loader();
    const error = await cache.loadWithDependencies('shop/sales/stack@1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DependencyCycleError);
    expect((error as DependencyCycleError).cycle).toEqual(['shop/sales/stack@1', 'shop/sales/base-b@1', 'shop/sales/base-a@1', 'shop/sales/stack@1']);
    expect((error as Error).message).toMatch(/form a cycle: shop\/sales\/stack@1 -> shop\/sales\/base-b@1 -> shop\/sales\/base-a@1 -> shop\/sales\/stack@1/);
    expect(cache.pinned).toEqual([]);
    expect((await cache.stats()).misses).toBe(0);
    await expect(registry.pullStack('shop/sales/stack@1', dir)).rejects.toBeInstanceOf(DependencyCycleError);
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports a dependsOn loop inside a version, and a dependsOn naming no artifact', async () => {
    await rewriteManifest('shop/sales/stack@1', (manifest) => manifest.artifacts[1]!.dependsOn.push('meta.bin'));
    const error = await loader().loadWithDependencies('shop/sales/stack@1', { artifacts: ['meta.bin'] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DependencyCycleError);
    expect((error as DependencyCycleError).cycle).toEqual(['meta.bin', 'prep.bin', 'meta.bin']);

    await rewriteManifest('shop/sales/stack@1', (manifest) => (manifest.artifacts[1]!.dependsOn = ['gone.bin']));
    await expect(registry.dependencyClosure('shop/sales/stack@1')).rejects.toThrow(/artifact "prep.bin" depends on "gone.bin", which the version does not have/);
  });

  it('names the dependency that cannot be read', async () => {
    await registry.deleteVersion('shop/sales/base-a@1', { force: true });
    await expect(loader().loadWithDependencies('shop/sales/stack@1')).rejects.toThrow(/depends on shop\/sales\/base-a@1 \((parent|source)\), which cannot be read: .*does not exist/);
  });
});

describe('cache statistics and limit', () => {
  beforeEach(pushFolds);

  it('counts hits, misses, bytes downloaded, evictions and bytes cached exactly', async () => {
    const cache = loader();
    const manifest = await registry.manifest('shop/sales/cv@1');
    const size = (name: string) => manifest.artifacts.find((artifact) => artifact.name === name)!.size;
    const total = manifest.artifacts.reduce((sum, artifact) => sum + artifact.size, 0);
    expect(await cache.stats()).toEqual({ hits: 0, misses: 0, bytesDownloaded: 0, evictions: 0, bytesCached: 0, maxCacheBytes: 10 * 1024 ** 3 });

    (await cache.load('shop/sales/cv@1', { folds: [0] })).release();
    expect(await cache.stats()).toMatchObject({ hits: 0, misses: 1, bytesDownloaded: size('folds/0/model.bin'), bytesCached: size('folds/0/model.bin') });

    const whole = await cache.load('shop/sales/cv@1'); // fold 0 from the cache, four downloads
    expect(await cache.stats()).toMatchObject({ hits: 1, misses: 5, bytesDownloaded: total, evictions: 0, bytesCached: total });
    whole.release();
    (await cache.load('shop/sales/cv@1')).release();
    expect(await cache.stats()).toMatchObject({ hits: 6, misses: 5, bytesDownloaded: total });

    const pinned = await cache.load('shop/sales/cv@1', { kinds: ['transformer'] });
    const report = await cache.setCacheLimit(0);
    expect(report.evictedBlobs).toHaveLength(4);
    expect(report.bytesAfter).toBe(size('prep/scaler.bin')); // pinned: over the limit until released
    expect(await cache.stats()).toEqual({ hits: 7, misses: 5, bytesDownloaded: total, evictions: 4, bytesCached: size('prep/scaler.bin'), maxCacheBytes: 0 });
    pinned.release();
    await cache.setCacheLimit(1024 ** 2);
    expect(await cache.stats()).toMatchObject({ evictions: 4, bytesCached: size('prep/scaler.bin'), maxCacheBytes: 1024 ** 2 });
    expect(cache.options.maxCacheBytes).toBe(1024 ** 2);
  });

  it('evicts down to a lowered limit at once, least recently used first, and refuses a limit that is no byte count', async () => {
    const cache = loader();
    const manifest = await registry.manifest('shop/sales/cv@1');
    for (const fold of [0, 1, 2]) {
      (await cache.load('shop/sales/cv@1', { folds: [fold] })).release();
      await new Promise((resolve) => setTimeout(resolve, 20)); // recency is a file time: keep the three loads apart
    }
    const foldSize = manifest.artifacts.find((artifact) => artifact.fold === 2)!.size;
    const report = await cache.setCacheLimit(foldSize); // room for the most recent one only
    const digestOf = (fold: number) => manifest.artifacts.find((artifact) => artifact.fold === fold)!.digest;
    expect(report.evictedBlobs.sort()).toEqual([digestOf(0), digestOf(1)].sort());
    expect((await cache.stats()).bytesCached).toBe(foldSize);
    for (const bad of [-1, 1.5, Number.NaN]) await expect(cache.setCacheLimit(bad)).rejects.toBeInstanceOf(InvalidInputError);
    expect(cache.options.maxCacheBytes).toBe(foldSize);
  });
});
