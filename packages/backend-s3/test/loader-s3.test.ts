import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { type Server, type Socket, createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BackendError, IntegrityError, KeyScheme, type Loader, type LoaderOptions, type Registry, createLoader, createRegistry, sha256 } from '@modelreg/core';
import { CountingStore, PrefixedStore, pseudoRandomStream, randomPrefix } from '@modelreg/core/testing';
import { createTestStore, s3TestConfig } from './support/s3-test-config.js';

const MIB = 1024 * 1024;
const LINE = 'shop/sales/xgb';
const run = promisify(execFile);
const worker = fileURLToPath(new URL('./fixtures/loader-worker.mjs', import.meta.url));

/** A TCP relay to the S3 server; closing it leaves a closed port, as when the store is unreachable. */
class Relay {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  port = 0;

  async start(target: URL): Promise<void> {
    this.server = createServer((client) => {
      const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

let prefix: string;
let relay: Relay;
let store: CountingStore;
let registry: Registry;
let cacheDir: string;
let warnings: string[];
let bigDigest: string;

const loaders: Loader[] = [];
function loader(options: Partial<LoaderOptions> = {}): Loader {
  const created = createLoader({ registry, cacheDir, rangeThresholdBytes: 4 * MIB, rangeBytes: MIB, onWarning: (message) => warnings.push(message), ...options });
  loaders.push(created);
  return created;
}

beforeAll(async () => {
  prefix = randomPrefix('loader').slice(0, -1);
  relay = new Relay();
  await relay.start(new URL(s3TestConfig().endpoint));
  store = new CountingStore(createTestStore({ endpoint: `http://127.0.0.1:${relay.port}` }));
  registry = createRegistry({ backend: store, prefix });
  const big = pseudoRandomStream(12 * MIB + 5, prefix);
  bigDigest = big.digest;
  await registry.push(LINE, [
    { name: 'model.bin', body: big.stream },
    { name: 'encoder.json', body: Buffer.from('{"columns": ["a", "b"]}') },
    { name: 'splitter.bin', body: Buffer.alloc(300_000, 7) },
  ]);
  await registry.push(LINE, [{ name: 'model.bin', body: Buffer.alloc(MIB, 9) }]);
  await registry.promote(`${LINE}@1`);
});
afterAll(async () => {
  await relay.close();
  await new PrefixedStore(createTestStore(), `${prefix}/`).clear();
});
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'modelreg-loader-s3-'));
  warnings = [];
  store.reset();
});
afterEach(async () => {
  await Promise.all(loaders.splice(0).map((created) => created.close()));
  await rm(cacheDir, { recursive: true, force: true });
});

describe('loader on S3', () => {
  it('miss: downloads with ranged GETs, verified; hit: no request, also from a new process', async () => {
    const cold = await loader().load(`${LINE}@production`);
    expect(cold.version).toBe(1);
    expect(sha256(await readFile(cold.files['model.bin']!))).toBe(bigDigest);
    expect(await readFile(cold.files['encoder.json']!, 'utf8')).toBe('{"columns": ["a", "b"]}');
    // alias + manifest + 13 ranges of the big blob + 2 small blobs
    expect(store.counts.get).toBe(1 + 1 + 13 + 2);

    store.reset();
    const warm = loader();
    expect((await warm.load(`${LINE}@production`)).downloadedBytes).toBe(0);
    expect((await warm.load(`${LINE}@1`)).downloadedBytes).toBe(0);
    expect(store.total).toBe(0);
  });

  it('drops a tampered cached file and fetches it again; a corrupt stored blob fails with IntegrityError and leaves nothing', async () => {
    const first = await loader().load(`${LINE}@1`);
    const path = first.files['splitter.bin']!;
    await chmod(path, 0o644);
    await writeFile(path, Buffer.alloc(300_000, 8));
    const again = await loader().load(`${LINE}@1`);
    expect(again.downloadedBytes).toBe(300_000);
    expect(await readFile(again.files['splitter.bin']!)).toEqual(Buffer.alloc(300_000, 7));
    expect(warnings.join('\n')).toMatch(/splitter\.bin.*does not match/);

    const bad = await registry.push(LINE, [{ name: 'model.bin', body: Buffer.alloc(5 * MIB, 1) }]);
    const hex = bad.manifest.artifacts[0]!.digest.slice('sha256:'.length);
    await createTestStore().put(new KeyScheme(prefix).blobKey(bad.manifest.artifacts[0]!.digest), Buffer.alloc(5 * MIB, 2));
    await expect(loader().load(bad.ref)).rejects.toThrow(IntegrityError);
    expect(await readdir(join(cacheDir, 'tmp'))).toEqual([]);
    await expect(stat(join(cacheDir, 'blobs', 'sha256', hex.slice(0, 2), hex))).rejects.toThrow(/ENOENT/);
  });

  it('evicts the least recently used version by bytes, keeping the pinned one', async () => {
    const cache = loader({ maxCacheBytes: 13 * MIB });
    const pinned = await cache.load(`${LINE}@1`);
    const other = await cache.load(`${LINE}@2`);
    other.release();
    await cache.evict();
    expect(sha256(await readFile(pinned.files['model.bin']!))).toBe(bigDigest);
    await expect(readFile(other.files['model.bin']!)).rejects.toThrow(/ENOENT/);
  });

  it('loads a meta-model with its dependency closure across versions, dependencies first; warm, the closure costs no store request', async () => {
    await registry.push('shop/sales/stack', [
      { name: 'meta.bin', body: Buffer.from('meta'), kind: 'meta_model', dependsOn: ['prep.bin'] },
      { name: 'prep.bin', body: Buffer.from('prep'), kind: 'transformer' },
      { name: 'report.json', body: Buffer.from('{}'), kind: 'other' },
    ], { dependencies: [{ ref: `${LINE}@2` }] });
    await registry.promote('shop/sales/stack@1');
    store.reset();
    const cache = loader();
    const stack = await cache.loadWithDependencies('shop/sales/stack@production', { kinds: ['meta_model'] });
    expect(stack.models.map((model) => [model.ref, Object.keys(model.files)])).toEqual([
      [`${LINE}@2`, ['model.bin']],
      ['shop/sales/stack@1', ['prep.bin', 'meta.bin']],
    ]);
    expect(await readFile(stack.models[0]!.files['model.bin']!)).toEqual(Buffer.alloc(MIB, 9));
    expect(await readFile(stack.root.files['meta.bin']!, 'utf8')).toBe('meta');
    // alias + two manifests + three blobs (report.json is not needed)
    expect(store.counts.get).toBe(1 + 2 + 3);
    expect(await cache.stats()).toMatchObject({ hits: 0, misses: 3, bytesDownloaded: MIB + 8, evictions: 0, bytesCached: MIB + 8 });
    stack.release();

    store.reset();
    const warm = loader();
    expect((await warm.loadWithDependencies('shop/sales/stack@production', { kinds: ['meta_model'] })).downloadedBytes).toBe(0);
    expect(store.total).toBe(0);
    expect(await warm.stats()).toMatchObject({ hits: 3, misses: 0, bytesDownloaded: 0 });
  });

  it('two processes load the same model into one cache folder at once, downloading each blob once', async () => {
    const startAt = Date.now() + 2000;
    const outputs = await Promise.all([0, 1].map(() => run(process.execPath, [worker, cacheDir, prefix, `${LINE}@1`, String(startAt)])));
    const results = outputs.map(({ stdout }) => JSON.parse(stdout) as { hashes: Record<string, string>; expected: Record<string, string>; downloadedBytes: number });
    for (const result of results) expect(result.hashes).toEqual(result.expected);
    expect(results[0]!.downloadedBytes + results[1]!.downloadedBytes).toBe(12 * MIB + 5 + '{"columns": ["a", "b"]}'.length + 300_000); // each blob once
    expect(await readdir(join(cacheDir, 'tmp'))).toEqual([]);
  });

  it('serves a previously resolved version when the store is unreachable, and fails clearly when nothing is cached', async () => {
    await loader({ aliasTtlMs: 0 }).load(`${LINE}@production`);
    await relay.close(); // the port is closed from now on: every request is refused
    const loaded = await loader({ aliasTtlMs: 0 }).load(`${LINE}@production`);
    expect(loaded).toMatchObject({ version: 1, stale: true, downloadedBytes: 0 });
    expect(sha256(await readFile(loaded.files['model.bin']!))).toBe(bigDigest);
    expect(warnings.join('\n')).toMatch(/@production: s3:\/\/.* is unreachable .*; using version 1/);

    const error = await loader().load(`${LINE}@2`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(/^Cannot load shop\/sales\/xgb@2: s3:\/\/.* could not be reached or failed .* does not hold it/);
  });
});
