import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortedError, BackendError, type GetOptions, IntegrityError, InvalidInputError, type Loader, type LoaderOptions, MemoryStore, NotFoundError, type ObjectStore,
  KeyScheme, type Registry, type RegistryReadApi, createLoader, formatRef, parseRef, createRegistry, sha256,
} from '../src/index.js';
import { PinLeases, currentPidNamespace } from '../src/loader/pin-leases.js';
import { CountingStore } from '../src/testing/helpers.js';

const blobKey = (digest: Parameters<KeyScheme['blobKey']>[0]) => new KeyScheme('').blobKey(digest);

/** Counts requests, records the key (and range) of every GET, and can play an unreachable store. */
class TestStore extends CountingStore {
  readonly gets: Array<{ key: string; ranged: boolean }> = [];
  down = false;

  constructor(readonly memory: MemoryStore) {
    super(memory);
  }

  override get(key: string, options?: GetOptions) {
    this.gets.push({ key, ranged: options?.range !== undefined });
    return this.down ? Promise.reject(unreachable(key)) : super.get(key, options);
  }

  override head(key: string, options?: GetOptions) {
    return this.down ? Promise.reject(unreachable(key)) : super.head(key, options);
  }

  override list(prefix: string, options?: GetOptions) {
    if (!this.down) return super.list(prefix, options);
    return (async function* () {
      throw unreachable(prefix);
    })() as ReturnType<ObjectStore['list']>;
  }

  blobGets(): string[] {
    return this.gets.map((get) => get.key).filter((key) => key.startsWith('blobs/'));
  }
}

const unreachable = (key: string) => new BackendError(`connect ECONNREFUSED 127.0.0.1:9 on ${key}`, { key });

const LINE = 'shop/sales/xgb';
const files = (seed: string) => [
  { name: 'model.bin', body: Buffer.from(`model ${seed} `.repeat(5000)) },
  { name: 'encoders/onehot.json', body: Buffer.from(`{"seed": "${seed}"}`) },
];

let memory: MemoryStore;
let store: TestStore;
let registry: Registry;
let cacheDir: string;
let clock: number;
let warnings: string[];
const loaders: Loader[] = [];

function loader(options: Partial<LoaderOptions> = {}): Loader {
  const created = createLoader({ registry, cacheDir, now: () => clock, onWarning: (message) => warnings.push(message), ...options });
  loaders.push(created);
  return created;
}

async function blobFiles(): Promise<string[]> {
  const root = join(cacheDir, 'blobs', 'sha256');
  const fanouts = await readdir(root).catch(() => []);
  return (await Promise.all(fanouts.map(async (fanout) => (await readdir(join(root, fanout))).map((hex) => `sha256:${hex}`)))).flat().sort();
}

const tmpEntries = async () => readdir(join(cacheDir, 'tmp')).catch(() => []);

beforeEach(async () => {
  memory = new MemoryStore();
  store = new TestStore(memory);
  registry = createRegistry({ backend: store });
  cacheDir = await mkdtemp(join(tmpdir(), 'modelreg-loader-'));
  clock = 1_000_000;
  warnings = [];
});
afterEach(async () => {
  await Promise.all(loaders.splice(0).map((created) => created.close())); // no lease write may land in the folder being removed
  await rm(cacheDir, { recursive: true, force: true });
});

describe('loader: miss and hit', () => {
  it('loads from any object with the registry read API, not only a Registry', async () => {
    const pushed = await registry.push(LINE, files('a'));
    const resolved: string[] = [];
    const readApi: RegistryReadApi = {
      location: registry.location,
      resolve: (ref, options) => {
        resolved.push(formatRef(parseRef(ref)));
        return registry.resolve(ref, options);
      },
      readManifest: (name, version, options) => registry.readManifest(name, version, options),
      downloadBlob: (blob, label, path, options) => registry.downloadBlob(blob, label, path, options),
    };
    const loaded = await loader({ registry: readApi }).load(`${LINE}@latest`);
    expect(loaded.version).toBe(1);
    expect(resolved).toEqual([`${LINE}@latest`]);
    for (const artifact of pushed.manifest.artifacts) expect(sha256(await readFile(loaded.files[artifact.name]!))).toBe(artifact.digest);
    expect(() => createLoader({ registry: { resolve: () => undefined } as never, cacheDir })).toThrow(/registry: must be a Registry/);
  });

  it('downloads on a miss, then serves hits with no store request, also to a new process', async () => {
    const pushed = await registry.push(LINE, files('a'));
    await registry.promote(`${LINE}@1`);
    store.reset();

    const cold = await loader().load(`${LINE}@production`);
    expect(cold.version).toBe(1);
    expect(cold.downloadedBytes).toBe(pushed.manifest.artifacts.reduce((sum, artifact) => sum + artifact.size, 0));
    for (const artifact of pushed.manifest.artifacts) expect(sha256(await readFile(cold.files[artifact.name]!))).toBe(artifact.digest);
    expect(cold.files['encoders/onehot.json']).toBe(join(cold.dir, 'encoders', 'onehot.json'));
    expect(store.total).toBeGreaterThan(0);

    store.reset();
    const sameProcess = loaders[0]!;
    await sameProcess.load(`${LINE}@production`);
    await sameProcess.load(`${LINE}@1`);
    expect(store.total).toBe(0);

    // A new process on the host: the alias resolution and the version folder come from disk.
    const next = loader();
    const warmAlias = await next.load(`${LINE}@production`);
    const warmVersion = await next.load(`${LINE}@1`);
    expect(store.total).toBe(0);
    expect(warmAlias.downloadedBytes + warmVersion.downloadedBytes).toBe(0);
    expect(warmVersion.files).toEqual(cold.files);
  });

  it('hard-links read-only files to the cached blobs, so a version costs no extra disk', async () => {
    const pushed = await registry.push(LINE, files('a'));
    const loaded = await loader().load(`${LINE}@1`);
    const artifact = pushed.manifest.artifacts[0]!;
    const [file, blob] = await Promise.all([stat(loaded.files[artifact.name]!), stat(join(cacheDir, 'blobs', 'sha256', artifact.digest.slice(7, 9), artifact.digest.slice(7)))]);
    expect(file.ino).toBe(blob.ino);
    expect(file.mode & 0o222).toBe(0);
    expect(await tmpEntries()).toEqual([]);
  });

  it('fails clearly for a version that does not exist', async () => {
    await registry.push(LINE, files('a'));
    await expect(loader().load(`${LINE}@7`)).rejects.toThrow(NotFoundError);
  });

  it('validates its options up front, naming the field', () => {
    expect(() => createLoader({ registry, cacheDir: '' })).toThrow(/cacheDir/);
    expect(() => createLoader({ registry, cacheDir, verify: 'never' } as unknown as LoaderOptions)).toThrow(InvalidInputError);
    expect(() => createLoader({ registry: {} as Registry, cacheDir })).toThrow(/registry: must be a Registry/);
  });
});

describe('loader: parallel ranged downloads', () => {
  it('downloads a large blob as bounded ranged GETs and verifies the whole', async () => {
    const big = Buffer.alloc(1024 * 1024 + 123);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
    const pushed = await registry.push(LINE, [{ name: 'model.bin', body: big }, { name: 'small.txt', body: Buffer.from('small') }]);
    store.gets.length = 0;
    const loaded = await loader({ rangeThresholdBytes: 1024 * 1024, rangeBytes: 64 * 1024, rangeConcurrency: 3 }).load(`${LINE}@1`);
    expect(sha256(await readFile(loaded.files['model.bin']!))).toBe(pushed.manifest.artifacts[0]!.digest);
    expect(store.gets.filter((get) => get.ranged)).toHaveLength(17);
    expect(store.gets.filter((get) => !get.ranged && get.key.startsWith('blobs/'))).toHaveLength(1); // small.txt: one plain GET
  });

  it.each([
    ['ranged', 1],
    ['streamed', 64 * 1024 * 1024],
  ])('rejects a corrupt stored blob (%s) with IntegrityError and leaves no file behind', async (_mode, rangeThresholdBytes) => {
    const pushed = await registry.push(LINE, [{ name: 'model.bin', body: Buffer.alloc(300_000, 1) }]);
    memory.corrupt(blobKey(pushed.manifest.artifacts[0]!.digest), Buffer.alloc(300_000, 2));
    await expect(loader({ rangeThresholdBytes, rangeBytes: 64 * 1024 }).load(`${LINE}@1`)).rejects.toThrow(IntegrityError);
    expect(await blobFiles()).toEqual([]);
    expect(await tmpEntries()).toEqual([]);
    await expect(stat(join(cacheDir, 'registries'))).rejects.toThrow(/ENOENT/);
  });
});

describe('loader: corrupt cache', () => {
  async function tamper(path: string, same: 'same size' | 'truncated') {
    const original = await readFile(path);
    await chmod(path, 0o644);
    await writeFile(path, same === 'same size' ? Buffer.from(original.map((byte) => byte ^ 0xff)) : original.subarray(1));
  }

  it('a new process re-hashes a cached file once, detects tampering, drops it and downloads it again', async () => {
    const pushed = await registry.push(LINE, files('a'));
    const first = await loader().load(`${LINE}@1`);
    await tamper(first.files['model.bin']!, 'same size');

    const again = await loader().load(`${LINE}@1`);
    const model = pushed.manifest.artifacts.find((artifact) => artifact.name === 'model.bin')!;
    expect(again.downloadedBytes).toBe(model.size);
    expect(sha256(await readFile(again.files['model.bin']!))).toBe(model.digest);
    expect(warnings.join('\n')).toMatch(/model\.bin.*does not match.*dropping it/);
  });

  it("'once' trusts a file this process already checked; 'always' re-hashes on every load; 'size' catches truncation only", async () => {
    await registry.push(LINE, files('a'));
    const once = loader();
    const loaded = await once.load(`${LINE}@1`);
    await tamper(loaded.files['model.bin']!, 'same size');
    expect((await once.load(`${LINE}@1`)).downloadedBytes).toBe(0);
    expect((await loader({ verify: 'size' }).load(`${LINE}@1`)).downloadedBytes).toBe(0);
    expect((await loader({ verify: 'always' }).load(`${LINE}@1`)).downloadedBytes).toBeGreaterThan(0);

    const sizeOnly = loaders.at(-2)!;
    await tamper(loaded.files['model.bin']!, 'truncated');
    expect((await sizeOnly.load(`${LINE}@1`)).downloadedBytes).toBeGreaterThan(0);
  });

  it('rebuilds a version folder whose files were deleted', async () => {
    await registry.push(LINE, files('a'));
    const first = await loader().load(`${LINE}@1`);
    await rm(first.files['encoders/onehot.json']!);
    store.reset();
    const again = await loader().load(`${LINE}@1`);
    expect(store.total).toBe(0); // the blob is still cached: only the link is remade
    expect(JSON.parse(await readFile(again.files['encoders/onehot.json']!, 'utf8'))).toEqual({ seed: 'a' });
  });
});

describe('loader: eviction', () => {
  const size = 100_000;
  async function pushVersions(count: number) {
    for (let i = 0; i < count; i++) await registry.push(LINE, [{ name: 'model.bin', body: Buffer.alloc(size, i + 1) }]);
  }
  async function age(loaded: { files: Record<string, string> }, secondsAgo: number) {
    const when = new Date(Date.now() - secondsAgo * 1000);
    await utimes(loaded.files['model.bin']!, when, when);
  }

  it('evicts the least recently used versions by bytes, blob and version folder together', async () => {
    await pushVersions(3);
    const cache = loader({ maxCacheBytes: 2.5 * size });
    const v1 = await cache.load(`${LINE}@1`);
    v1.release();
    await age(v1, 30);
    const v2 = await cache.load(`${LINE}@2`);
    v2.release();
    await age(v2, 20);
    const reused = await cache.load(`${LINE}@1`); // v1 is used again: now v2 is the least recent
    reused.release();
    const v3 = await cache.load(`${LINE}@3`);

    expect(await blobFiles()).toEqual([v1, v3].map((loaded) => loaded.manifest.artifacts[0]!.digest).sort());
    await expect(stat(v2.dir)).rejects.toThrow(/ENOENT/);
    expect(await readFile(v1.files['model.bin']!)).toEqual(Buffer.alloc(size, 1));
    expect(await readFile(v3.files['model.bin']!)).toEqual(Buffer.alloc(size, 3));
  });

  it('never evicts a version that is loaded and not released, and warns when that overfills the cache', async () => {
    await pushVersions(3);
    const cache = loader({ maxCacheBytes: 1.5 * size });
    const pinned = await cache.load(`${LINE}@1`);
    await age(pinned, 60);
    (await cache.load(`${LINE}@2`)).release(); // over the limit, but a version is pinned while it loads
    expect(await blobFiles()).toHaveLength(2);
    expect(cache.pinned).toEqual([`${LINE}@1`]);
    await cache.evict();
    expect(await blobFiles()).toEqual([pinned.manifest.artifacts[0]!.digest]); // v2, newer but released, went
    expect(await readFile(pinned.files['model.bin']!)).toEqual(Buffer.alloc(size, 1));

    const third = await cache.load(`${LINE}@3`);
    expect(warnings.join('\n')).toMatch(/over maxCacheBytes.*pinned/);
    pinned.release();
    third.release();
    expect(cache.pinned).toEqual([]);
    const report = await cache.evict();
    expect(report.evictedBlobs).toEqual([pinned.manifest.artifacts[0]!.digest]); // the oldest
    expect(report.bytesAfter).toBe(size);
  });

  it("spares the versions another loader on the cache folder holds, until it releases them or its process is gone", async () => {
    await pushVersions(2);
    const functionA = loader();
    const functionB = loader({ maxCacheBytes: size }); // as a second process would: its own pins and lease
    const heldByA = await functionA.load(`${LINE}@1`);
    await age(heldByA, 60);
    (await functionB.load(`${LINE}@2`)).release(); // over B's limit: the oldest blob is v1's, which A holds
    expect(await blobFiles()).toHaveLength(2);
    expect(await readFile(heldByA.files['model.bin']!)).toEqual(Buffer.alloc(size, 1));

    heldByA.release();
    await waitFor(async () => (await readdir(join(cacheDir, 'pins'))).length === 0); // the lease update is not awaited by release()
    expect((await functionB.evict()).evictedBlobs).toEqual([heldByA.manifest.artifacts[0]!.digest]);

    // A lease whose process has exited pins nothing, and the next eviction drops it.
    const deadPid = await exitedProcessId();
    await writeFile(join(cacheDir, 'pins', `${deadPid}.crashed.json`), JSON.stringify({ pid: deadPid, pidNamespace: currentPidNamespace(), digests: [heldByA.manifest.artifacts[0]!.digest] }));
    await functionA.load(`${LINE}@1`).then((again) => again.release());
    await waitFor(async () => (await readdir(join(cacheDir, 'pins'))).every((name) => name.startsWith(`${deadPid}.`))); // A's lease is gone
    await age(heldByA, 60);
    expect((await functionB.evict()).evictedBlobs).toEqual([heldByA.manifest.artifacts[0]!.digest]);
    expect(await readdir(join(cacheDir, 'pins'))).toEqual([]);
  });

  it('spares the versions a loader in another container holds while it refreshes its lease, not after', async () => {
    await pushVersions(2);
    const local = loader({ maxCacheBytes: size });
    const v1 = await local.load(`${LINE}@1`);
    v1.release();
    await age(v1, 60);
    // Its pid is meaningless here (another PID namespace): only the lease's freshness tells.
    const lease = join(cacheDir, 'pins', '1.other-container.json');
    await writeFile(lease, JSON.stringify({ pid: await exitedProcessId(), pidNamespace: 'other-host/pid:[1]', digests: [v1.manifest.artifacts[0]!.digest] }));
    (await local.load(`${LINE}@2`)).release(); // over the limit, but v1 is pinned over there
    expect(await blobFiles()).toHaveLength(2);

    const tenMinutesAgo = new Date(Date.now() - 600_000);
    await utimes(lease, tenMinutesAgo, tenMinutesAgo); // that loader stopped refreshing: it is gone
    expect((await local.evict()).evictedBlobs).toEqual([v1.manifest.artifacts[0]!.digest]);
    await expect(stat(lease)).rejects.toThrow(/ENOENT/);
  });

  it('refreshes its own lease while it holds pins, and stops once it holds none', async () => {
    const pins = join(cacheDir, 'pins');
    const leases = new PinLeases(pins, 20);
    await leases.update([sha256('held')]);
    const [own] = await readdir(pins);
    const old = new Date(Date.now() - 600_000);
    await utimes(join(pins, own!), old, old);
    await waitFor(async () => (await stat(join(pins, own!))).mtimeMs > Date.now() - 60_000);
    await leases.update([]);
    await new Promise((resolve) => setTimeout(resolve, 100)); // several heartbeat periods
    expect(await readdir(pins)).toEqual([]);
  });

  it('close releases every version the loader holds and removes its lease; the loader stays usable', async () => {
    await pushVersions(2);
    const functionA = loader();
    const held = await functionA.load(`${LINE}@1`);
    await functionA.load(`${LINE}@2`);
    expect(await readdir(join(cacheDir, 'pins'))).toHaveLength(1);
    await functionA.close();
    expect(functionA.pinned).toEqual([]);
    expect(await readdir(join(cacheDir, 'pins'))).toEqual([]);

    const again = await functionA.load(`${LINE}@1`);
    held.release(); // a release from before close() leaves the new pin alone
    expect(functionA.pinned).toEqual([`${LINE}@1`]);
    again.release();
    expect(functionA.pinned).toEqual([]);
  });

  it('preload warms the cache without pinning', async () => {
    await pushVersions(1);
    const cache = loader();
    const [preloaded] = await cache.preload([`${LINE}@1`]);
    expect(preloaded).toMatchObject({ ref: `${LINE}@1`, downloadedBytes: size });
    expect(cache.pinned).toEqual([]);
    store.reset();
    expect((await cache.load(`${LINE}@1`)).downloadedBytes).toBe(0);
    expect(store.total).toBe(0);
  });
});

describe('loader: aliases', () => {
  it('trusts an alias resolution for aliasTtlMs, then asks the store once', async () => {
    await registry.push(LINE, files('a'));
    await registry.push(LINE, files('b'));
    await registry.promote(`${LINE}@1`);
    const cache = loader({ aliasTtlMs: 10_000 });
    expect((await cache.load(`${LINE}@production`)).version).toBe(1);
    await registry.promote(`${LINE}@2`);
    store.reset();

    clock += 9_999;
    expect((await cache.load(`${LINE}@production`)).version).toBe(1);
    expect(store.total).toBe(0);

    clock += 1;
    expect((await cache.load(`${LINE}@production`)).version).toBe(2);
    (await cache.load(`${LINE}@1`)).release();
    clock += 10_000;
    await registry.promote(`${LINE}@1`);
    store.reset();
    expect((await cache.load(`${LINE}@production`)).version).toBe(1);
    expect(store.total).toBe(1); // the alias document; version 1 is cached
  });

  it('caches @latest like an alias', async () => {
    await registry.push(LINE, files('a'));
    const cache = loader({ aliasTtlMs: 1000 });
    expect((await cache.load(LINE)).version).toBe(1);
    await registry.push(LINE, files('b'));
    expect((await cache.load(LINE)).version).toBe(1);
    clock += 1000;
    expect((await cache.load(`${LINE}@latest`)).version).toBe(2);
  });
});

describe('loader: store unreachable', () => {
  it('loads a previously resolved version from the cache with a warning (stale-if-error)', async () => {
    await registry.push(LINE, files('a'));
    await registry.promote(`${LINE}@1`);
    await loader({ aliasTtlMs: 1000 }).load(`${LINE}@production`);
    store.down = true;
    clock += 60_000;

    const cache = loader({ aliasTtlMs: 1000 }); // a new process: the resolution is read from disk
    const loaded = await cache.load(`${LINE}@production`);
    expect(loaded).toMatchObject({ version: 1, stale: true, downloadedBytes: 0 });
    expect(JSON.parse(await readFile(loaded.files['encoders/onehot.json']!, 'utf8'))).toEqual({ seed: 'a' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/shop\/sales\/xgb@production: memory store is unreachable \(connect ECONNREFUSED.*\); using version 1, resolved 60 s ago/);
    expect((await cache.load(`${LINE}@1`)).stale).toBe(false);
  });

  it('fails clearly when nothing usable is cached', async () => {
    await registry.push(LINE, files('a'));
    await registry.promote(`${LINE}@1`);
    store.down = true;
    const error = await loader().load(`${LINE}@production`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(/^Cannot load shop\/sales\/xgb@production: memory store could not be reached or failed \(connect ECONNREFUSED.*\), and the cache at .* does not hold it/);
    await expect(loader().load(`${LINE}@1`)).rejects.toThrow(/Cannot load shop\/sales\/xgb@1: .*does not hold it/);
  });
});

describe('loader: processes sharing one cache folder', () => {
  // Two loaders on one folder behave as two processes would: each has its own memory, only the folder is shared.
  // Claims are taken from claimThresholdBytes on (8 MiB by default); 0 makes these small blobs claimed too.
  const claimOf = (digest: string) => join(cacheDir, 'tmp', `${digest.slice('sha256:'.length)}.claim`);
  const claiming = () => loader({ claimThresholdBytes: 0 });

  it('downloads a blob both miss at the same moment once: one waits for the other', async () => {
    const pushed = await registry.push(LINE, files('a'));
    store.gets.length = 0;
    const [first, second] = await Promise.all([claiming().load(`${LINE}@1`), claiming().load(`${LINE}@1`)]);
    expect(store.blobGets().sort()).toEqual(pushed.manifest.artifacts.map((artifact) => blobKey(artifact.digest)).sort());
    expect(first!.downloadedBytes + second!.downloadedBytes).toBe(pushed.manifest.artifacts.reduce((sum, artifact) => sum + artifact.size, 0));
    expect(await readFile(second!.files['model.bin']!)).toEqual(files('a')[0]!.body);
    expect((await readdir(join(cacheDir, 'tmp'))).filter((name) => name.endsWith('.claim'))).toEqual([]);
  });

  it('takes over the claim of a process that stopped refreshing it', async () => {
    const pushed = await registry.push(LINE, files('a'));
    const claim = claimOf(pushed.manifest.artifacts[0]!.digest);
    await mkdir(claim, { recursive: true }); // left by a process killed mid-download
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(claim, minuteAgo, minuteAgo);
    const loaded = await claiming().load(`${LINE}@1`);
    expect(await readFile(loaded.files['model.bin']!)).toEqual(files('a')[0]!.body);
  });

  it('stops waiting for another process when the signal aborts, having downloaded nothing of that blob', async () => {
    const pushed = await registry.push(LINE, files('a'));
    const digest = pushed.manifest.artifacts[0]!.digest;
    await mkdir(claimOf(digest), { recursive: true }); // another process is downloading it right now
    store.gets.length = 0;
    const load = claiming().load(`${LINE}@1`, { signal: AbortSignal.timeout(300) });
    await expect(load).rejects.toThrow(AbortedError);
    expect(store.blobGets()).not.toContain(blobKey(digest));
  });

  it('downloads a blob below claimThresholdBytes without waiting for the claim another process holds on it', async () => {
    const pushed = await registry.push(LINE, files('a'));
    const digest = pushed.manifest.artifacts[0]!.digest;
    await mkdir(claimOf(digest), { recursive: true }); // another process is downloading it right now
    const loaded = await loader().load(`${LINE}@1`, { signal: AbortSignal.timeout(5000) }); // the default threshold, 8 MiB, is above both blobs
    expect(loaded.downloadedBytes).toBe(pushed.manifest.artifacts.reduce((sum, artifact) => sum + artifact.size, 0));
    expect(await readFile(loaded.files['model.bin']!)).toEqual(files('a')[0]!.body);
  });
});

describe('loader: in-process sharing', () => {
  it('concurrent loads of one version make one download per blob', async () => {
    const pushed = await registry.push(LINE, [...files('a'), { name: 'copy.bin', body: files('a')[0]!.body }]);
    store.gets.length = 0;
    const cache = loader();
    const results = await Promise.all([cache.load(`${LINE}@1`), cache.load(`${LINE}@1`), cache.load(`${LINE}@1`)]);
    const digests = new Set(pushed.manifest.artifacts.map((artifact) => artifact.digest));
    expect(store.blobGets().sort()).toEqual([...digests].map((digest) => blobKey(digest)).sort());
    expect(new Set(results.map((result) => result.dir)).size).toBe(1);
    expect(cache.pinned).toEqual([`${LINE}@1`]);
    results.forEach((result) => result.release());
    expect(cache.pinned).toEqual([]);
  });

  it('keeps manifestCacheSize parsed manifests in memory', async () => {
    await registry.push(LINE, files('a'));
    await registry.push(LINE, files('b'));
    const manifestGets = async (manifestCacheSize: number) => {
      const cache = loader({ manifestCacheSize });
      const v1 = await cache.load(`${LINE}@1`);
      await cache.load(`${LINE}@2`);
      await rm(join(v1.dir, '..'), { recursive: true }); // without its folder on disk, only memory can answer
      store.gets.length = 0;
      await cache.load(`${LINE}@1`);
      return store.gets.filter((get) => get.key.endsWith('manifest.json')).length;
    };
    expect(await manifestGets(2)).toBe(0);
    expect(await manifestGets(1)).toBe(1);
  });
});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; !(await condition()); attempt++) {
    if (attempt === 100) throw new Error('condition not met within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The pid of a process that has already exited. */
async function exitedProcessId(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}
