import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortedError, GuardedStore, InvalidInputError, NotFoundError, PreconditionFailedError, readAll, type ListEntry, type ObjectStore, type StoreCapabilities,
} from '../backend.js';
import { PrefixedStore, pseudoRandomStream, randomPrefix, sampleMemory } from './helpers.js';
import { tempDirPerTest } from './temp-dirs.js';

export interface StoreConformanceOptions {
  /** Shown in test names, e.g. `local` or `s3 (ceph rgw)`. */
  name: string;
  /**
   * Called once; each test works under its own random prefix of this store, through the core guard
   * as the registry uses it, and deletes that prefix afterwards.
   */
  createStore: () => ObjectStore | Promise<ObjectStore>;
  /**
   * What the backend declares it can do. A group needing a capability it lacks is reported as
   * skipped; the store created (and, when it can, the live service) must declare exactly these.
   */
  capabilities: StoreCapabilities;
  /** Called once at the end. */
  destroyStore?: (store: ObjectStore) => Promise<void>;
  /** Size of the streamed round trip. @default 256 MiB */
  largeObjectBytes?: number;
  /** Keys written for the listing and batch-delete tests; more than one page of S3 (1,000). @default 1050 */
  pageOverflowKeys?: number;
  /** The backend offers `putFile` (reads local files by ranges). @default false */
  putsFiles?: boolean;
}

/** How far resident memory may grow while a large body streams through a bounded-memory store. */
const STREAMING_MEMORY_BUDGET = 160 * 1024 * 1024;

async function text(store: ObjectStore, key: string): Promise<string> {
  return (await readAll((await store.get(key)).body)).toString('utf8');
}

async function collect(iterable: AsyncIterable<ListEntry>): Promise<ListEntry[]> {
  const entries: ListEntry[] = [];
  for await (const entry of iterable) entries.push(entry);
  return entries;
}

const names = (entries: ListEntry[]) => entries.map((entry) => (entry.type === 'object' ? entry.key : entry.prefix));

async function hashStream(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(stream, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) hash.update(chunk);
  });
  return `sha256:${hash.digest('hex')}`;
}

async function putMany(store: ObjectStore, keys: string[], concurrency = 16): Promise<void> {
  const queue = [...keys];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let key = queue.shift(); key !== undefined; key = queue.shift()) await store.put(key, Buffer.from(key));
    }),
  );
}

/** A group that runs when the backend has the capability, and shows as skipped when it does not. */
const describeWhen = (enabled: boolean) => (enabled ? describe : describe.skip);

/** Fails unless the store (and the live service, when it can be asked) declares the capabilities the test file expects. */
export async function expectDeclaredCapabilities(store: ObjectStore, declared: StoreCapabilities): Promise<void> {
  expect(store.capabilities).toEqual(declared);
  if (store.verifyCapabilities) expect(await store.verifyCapabilities()).toEqual(declared);
}

/**
 * The behaviour every `ObjectStore` must show, run by each backend package against a real server
 * (or folder). Groups a backend cannot support are reported as skipped, by its declared capabilities.
 */
export function runStoreConformance(options: StoreConformanceOptions): void {
  const largeBytes = options.largeObjectBytes ?? 256 * 1024 * 1024;
  const manyKeys = options.pageOverflowKeys ?? 1050;
  const { capabilities } = options;

  describe(`ObjectStore conformance: ${options.name}`, () => {
    let root: ObjectStore;
    let store: PrefixedStore;

    let backend: ObjectStore;

    beforeAll(async () => {
      backend = await options.createStore();
      root = new GuardedStore(backend);
    });
    afterAll(async () => {
      await options.destroyStore?.(backend);
    });

    it('declares the capabilities its tests expect', async () => {
      await expectDeclaredCapabilities(backend, capabilities);
    });
    beforeEach(() => {
      store = new PrefixedStore(root, randomPrefix('conformance'));
    });
    afterEach(async () => {
      await store.clear();
    });

    describe('put, get and head', () => {
      it('round-trips a Buffer, a Uint8Array and streams of known and unknown length', async () => {
        const bodies: Array<{ key: string; text: string; body: () => Buffer | Uint8Array | Readable; size?: number }> = [
          { key: 'buffer', text: 'buffer body', body: () => Buffer.from('buffer body') },
          { key: 'uint8array', text: 'uint8array body', body: () => new TextEncoder().encode('uint8array body') },
          { key: 'sized', text: 'sized stream', body: () => Readable.from([Buffer.from('sized '), Buffer.from('stream')]), size: 12 },
          { key: 'unsized', text: 'unsized stream', body: () => Readable.from([Buffer.from('unsized '), Buffer.from('stream')]) },
        ];
        for (const { key, text: expected, body, size } of bodies) {
          const { etag } = await store.put(key, body(), size === undefined ? {} : { size });
          expect(etag).toEqual(expect.any(String));
          const head = await store.head(key);
          expect(head).toEqual({ size: expected.length, etag, lastModified: expect.any(Date) });
          const got = await store.get(key);
          expect(got.etag).toBe(etag);
          expect(got.size).toBe(expected.length);
          expect((await readAll(got.body)).toString()).toBe(expected);
        }
      });

      it('reports size, a changing etag and a recent lastModified', async () => {
        const before = Date.now();
        const first = await store.put('doc', Buffer.from('first'));
        const second = await store.put('doc', Buffer.from('second, longer'));
        const head = await store.head('doc');
        expect(second.etag).not.toBe(first.etag);
        expect(head).toEqual({ size: 14, etag: second.etag, lastModified: expect.any(Date) });
        // Stores keep whole seconds; allow for that and for small clock skew with the server.
        expect(Math.abs(head!.lastModified.getTime() - before)).toBeLessThan(60_000);
        expect(await text(store, 'doc')).toBe('second, longer');
      });

      it('stores an empty object', async () => {
        await store.put('empty', Buffer.alloc(0));
        expect((await store.head('empty'))?.size).toBe(0);
        expect((await readAll((await store.get('empty')).body)).length).toBe(0);
      });

      it('keeps keys with the characters the key scheme produces', async () => {
        const keys = ['models/a%2Fb/x.y_z-1/t/1/manifest.json', 'models/%C3%A9t%C3%A9/p/t/aliases/prod.json', 'blobs/sha256/ab/ab-._'];
        for (const key of keys) await store.put(key, Buffer.from(key));
        for (const key of keys) expect(await text(store, key)).toBe(key);
      });

      it('maps a missing key to NotFoundError on get and touch, and undefined on head', async () => {
        await expect(store.get('missing')).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.touch('missing')).rejects.toBeInstanceOf(NotFoundError);
        expect(await store.head('missing')).toBeUndefined();
      });

      it('stores nothing when a body fails after its last byte was read', async () => {
        // What a push of a file that changed after hashing sends (core's withFinalCheck): the body
        // errors where it would end, so neither a single request nor a multipart upload may complete.
        for (const size of [1000, 9 * 1024 * 1024]) {
          const body = Readable.from((async function* () {
            yield Buffer.alloc(size - 100, 3); // the last 100 bytes are held back, then the check fails
            throw new Error('the source changed');
          })());
          await expect(store.put(`failed-body/${size}`, body, { size })).rejects.toThrow();
          expect(await store.head(`failed-body/${size}`)).toBeUndefined();
        }
      });

      it('fails with AbortedError and stores nothing when the signal has fired', async () => {
        const controller = new AbortController();
        controller.abort();
        await expect(store.put('aborted', Buffer.from('x'), { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
        expect(await store.head('aborted')).toBeUndefined();
      });
    });

    describe('ranges', () => {
      it('reads a byte range and the tail from an offset', async () => {
        await store.put('digits', Buffer.from('0123456789'));
        const range = await store.get('digits', { range: { offset: 2, length: 5 } });
        expect(range.size).toBe(10);
        expect((await readAll(range.body)).toString()).toBe('23456');
        expect((await readAll((await store.get('digits', { range: { offset: 7 } })).body)).toString()).toBe('789');
      });
    });

    describe('list', () => {
      it('lists keys under a prefix in byte order, including prefixes that end mid-segment', async () => {
        const keys = ['a/b/1', 'a/b/2', 'a/c', 'a-c', 'ab/d', 'b/e'];
        await putMany(store, keys);
        expect(names(await collect(store.list('a')))).toEqual(['a-c', 'a/b/1', 'a/b/2', 'a/c', 'ab/d']);
        expect(names(await collect(store.list('a/')))).toEqual(['a/b/1', 'a/b/2', 'a/c']);
        expect(names(await collect(store.list('nothing-here/')))).toEqual([]);
        const [first] = await collect(store.list('a/b/1'));
        expect(first).toEqual({ type: 'object', key: 'a/b/1', size: 5, etag: expect.any(String), lastModified: expect.any(Date) });
      });

      it('lists each object with the etag a head or get returns (the catalog compares them)', async () => {
        const { etag } = await store.put('etag/one', Buffer.from('one'));
        const [listed] = await collect(store.list('etag/'));
        expect(listed).toMatchObject({ key: 'etag/one', etag });
        expect((await store.head('etag/one'))?.etag).toBe(etag);
        const got = await store.get('etag/one');
        got.body.destroy();
        expect(got.etag).toBe(etag);
      });

      it('groups by "/" with a delimiter', async () => {
        await putMany(store, ['m/s1/p/1', 'm/s1/q/1', 'm/s2/p/1', 'm/top', 'm2/x']);
        expect(await collect(store.list('m/', { delimiter: '/' }))).toEqual([
          { type: 'prefix', prefix: 'm/s1/' },
          { type: 'prefix', prefix: 'm/s2/' },
          expect.objectContaining({ type: 'object', key: 'm/top' }),
        ]);
        expect(names(await collect(store.list('m/s1/', { delimiter: '/' })))).toEqual(['m/s1/p/', 'm/s1/q/']);
      });

      it(`pages through more keys than one page (${manyKeys}) and batch-deletes them`, async () => {
        const keys = Array.from({ length: manyKeys }, (_, i) => `many/${String(i).padStart(5, '0')}`);
        await putMany(store, keys);
        expect(names(await collect(store.list('many/')))).toEqual(keys);
        const grouped = await collect(store.list('', { delimiter: '/' }));
        expect(names(grouped)).toEqual(['many/']);
        await store.delete([...keys, 'many/never-existed']);
        expect(await collect(store.list('many/'))).toEqual([]);
      });
    });

    describe('delete', () => {
      it('deletes the named keys, ignores missing ones and leaves the rest', async () => {
        await putMany(store, ['d/1', 'd/2', 'd/3']);
        await store.delete(['d/1', 'd/3', 'd/missing']);
        expect(names(await collect(store.list('d/')))).toEqual(['d/2']);
        await store.delete([]);
        expect(names(await collect(store.list('d/')))).toEqual(['d/2']);
      });
    });

    describe('touch', () => {
      it('refreshes lastModified and keeps the content', async () => {
        await store.put('old', Buffer.from('kept'));
        const before = (await store.head('old'))!.lastModified;
        await new Promise((resolve) => setTimeout(resolve, 1100)); // lastModified has whole-second resolution on S3
        await store.touch('old');
        const after = (await store.head('old'))!;
        expect(after.lastModified.getTime()).toBeGreaterThan(before.getTime());
        expect(after.size).toBe(4);
        expect(await text(store, 'old')).toBe('kept');
      });
    });

    describeWhen(capabilities.conditionalWrites)('conditional writes', () => {
      it('creates only when absent with ifNoneMatch "*"', async () => {
        await store.put('once', Buffer.from('first'), { ifNoneMatch: '*' });
        await expect(store.put('once', Buffer.from('second'), { ifNoneMatch: '*' })).rejects.toBeInstanceOf(PreconditionFailedError);
        expect(await text(store, 'once')).toBe('first');
      });

      it('compares and swaps with ifMatch', async () => {
        const { etag } = await store.put('cas', Buffer.from('v1'));
        const { etag: next } = await store.put('cas', Buffer.from('v2'), { ifMatch: etag });
        await expect(store.put('cas', Buffer.from('stale'), { ifMatch: etag })).rejects.toBeInstanceOf(PreconditionFailedError);
        expect(await text(store, 'cas')).toBe('v2');
        expect((await store.head('cas'))?.etag).toBe(next);
      });

      it('fails ifMatch on a missing key instead of creating it', async () => {
        const { etag } = await store.put('elsewhere', Buffer.from('x'));
        await expect(store.put('absent', Buffer.from('x'), { ifMatch: etag })).rejects.toBeInstanceOf(PreconditionFailedError);
        expect(await store.head('absent')).toBeUndefined();
      });

      it('lets exactly one of eight racing creators win', async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store.put('race', Buffer.from(`writer ${i}`), { ifNoneMatch: '*' })),
        );
        const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(PreconditionFailedError);
        expect(await text(store, 'race')).toBe(`writer ${winners[0]}`);
      });

      it('lets exactly one of eight racing compare-and-swaps on one etag win', async () => {
        const { etag } = await store.put('cas-race', Buffer.from('start'));
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store.put('cas-race', Buffer.from(`swap ${i}`), { ifMatch: etag })),
        );
        const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(PreconditionFailedError);
        expect(await text(store, 'cas-race')).toBe(`swap ${winners[0]}`);
      });
    });

    const streamLargeBody = async () => {
      const { stream, digest } = pseudoRandomStream(largeBytes);
      const { peakGrowthBytes: putGrowth } = await sampleMemory(() => store.put('large', stream));
      expect((await store.head('large'))?.size).toBe(largeBytes);
      const { result: readDigest, peakGrowthBytes: getGrowth } = await sampleMemory(async () => hashStream((await store.get('large')).body));
      expect(readDigest).toBe(digest);
      return { putGrowth, getGrowth };
    };
    const largeMiB = Math.round(largeBytes / 2 ** 20);

    describeWhen(capabilities.boundedMemory)('large streamed bodies in bounded memory', () => {
      it(`streams ${largeMiB} MiB of unknown length in and out with bounded memory growth`, async () => {
        const { putGrowth, getGrowth } = await streamLargeBody();
        expect(putGrowth).toBeLessThan(STREAMING_MEMORY_BUDGET);
        expect(getGrowth).toBeLessThan(STREAMING_MEMORY_BUDGET);
      });
    });

    describeWhen(!capabilities.boundedMemory)('large streamed bodies held in memory', () => {
      it(`streams ${largeMiB} MiB of unknown length in and out`, async () => {
        await streamLargeBody();
      });
    });

    describe(options.putsFiles ? 'file uploads by ranges (putFile)' : 'without putFile', () => {
      const folder = tempDirPerTest('put-file');

      it(options.putsFiles ? 'offers putFile()' : 'does not offer putFile()', () => {
        expect(typeof backend.putFile).toBe(options.putsFiles ? 'function' : 'undefined');
      });

      describeWhen(options.putsFiles === true)('putFile', () => {
        it('stores the first `size` bytes of a file of several MiB, reporting the bytes sent', async () => {
          const path = join(folder.path, 'model.bin');
          const bytes = await readAll(pseudoRandomStream(3 * 1024 * 1024 + 123, 'put-file').stream);
          await writeFile(path, Buffer.concat([bytes, Buffer.from('appended after hashing')]));
          let reported = 0;
          const { etag } = await store.putFile!('file/key', path, { size: bytes.length, onBytes: (total) => (reported = total) });
          expect(await store.head('file/key')).toMatchObject({ size: bytes.length, etag });
          expect((await readAll((await store.get('file/key')).body)).equals(bytes)).toBe(true);
          expect(reported).toBe(bytes.length);
        });

        it('creates only when absent with ifNoneMatch "*", leaving the existing object whole', async () => {
          const path = join(folder.path, 'small.bin');
          await writeFile(path, 'second');
          await store.put('file/once', Buffer.from('first'));
          await expect(store.putFile!('file/once', path, { size: 6, ifNoneMatch: '*' })).rejects.toBeInstanceOf(PreconditionFailedError);
          expect(await text(store, 'file/once')).toBe('first');
        });

        it('fails on a file shorter than `size` and leaves no object', async () => {
          const path = join(folder.path, 'short.bin');
          await writeFile(path, Buffer.alloc(1024 * 1024, 1));
          await expect(store.putFile!('file/short', path, { size: 2 * 1024 * 1024 + 1 })).rejects.toBeInstanceOf(InvalidInputError);
          expect(await store.head('file/short')).toBeUndefined();
        });

        it('publishes nothing when beforeCommit fails, for a file of one block and of several', async () => {
          for (const size of [1000, 9 * 1024 * 1024]) {
            const path = join(folder.path, `checked-${size}.bin`);
            await writeFile(path, Buffer.alloc(size, 7));
            let called = 0;
            const refuse = async () => {
              called++;
              throw new InvalidInputError('the file changed');
            };
            await expect(store.putFile!(`file/checked-${size}`, path, { size, beforeCommit: refuse })).rejects.toThrow('the file changed');
            expect(called).toBe(1);
            expect(await store.head(`file/checked-${size}`)).toBeUndefined();
          }
        });
      });
    });

    describeWhen(!capabilities.staging)('without staged writes', () => {
      it('does not offer stage()', () => {
        expect(backend.stage).toBeUndefined();
      });
    });

    describeWhen(capabilities.staging)('staged writes', () => {
      it('publishes staged bytes under a key chosen afterwards, or drops them', async () => {
        const staged = await store.stage!();
        await pipeline(Readable.from([Buffer.from('staged bytes')]), staged.stream);
        await staged.commit('staged/key');
        expect(await text(store, 'staged/key')).toBe('staged bytes');

        const dropped = await store.stage!();
        await pipeline(Readable.from([Buffer.from('dropped')]), dropped.stream);
        await dropped.discard();
        expect(names(await collect(store.list('')))).toEqual(['staged/key']);
      });
    });

    describeWhen(!capabilities.fileCopy)('without kernel file copies', () => {
      it('offers neither stageFile() nor copyToFile()', () => {
        expect(backend.stageFile).toBeUndefined();
        expect(backend.copyToFile).toBeUndefined();
      });
    });

    describeWhen(capabilities.fileCopy)('kernel file copies', () => {
      const folder = tempDirPerTest('file-copy');

      it('stages a copy of a local file that reads back before and after its commit, and leaves the source alone', async () => {
        const source = join(folder.path, 'source.bin');
        await writeFile(source, 'file bytes');
        const staged = await store.stageFile!(source);
        expect(await readFile(staged.path, 'utf8')).toBe('file bytes');
        await writeFile(source, 'changed afterwards'); // the staged copy is independent of its source
        await staged.commit('copied/key');
        await staged.discard();
        expect(await text(store, 'copied/key')).toBe('file bytes');

        const dropped = await store.stageFile!(source);
        await dropped.discard();
        expect(names(await collect(store.list('')))).toEqual(['copied/key']);
      });

      it('copies an object into a new file, never over an existing one', async () => {
        await store.put('object/key', Buffer.from('object bytes'));
        const target = join(folder.path, 'target.bin');
        await store.copyToFile!('object/key', target);
        expect(await readFile(target, 'utf8')).toBe('object bytes');
        await expect(store.copyToFile!('object/key', target)).rejects.toThrow();
        await expect(store.copyToFile!('missing/key', join(folder.path, 'other.bin'))).rejects.toBeInstanceOf(NotFoundError);
      });
    });
  });
}
