import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import type { ContainerClient } from '@azure/storage-blob';
import { AbortedError, BackendError, GuardedStore, InvalidInputError, type ListEntry, PreconditionFailedError, readAll } from '@modelreg/core';
import { AzureBlobStore } from '../src/index.js';
import { createTestContainer, testConnectionString } from './support/azure.js';

// The smallest block size allowed, so that a few hundred KiB already make a staged-block upload.
const BLOCK = 64 * 1024;

/** `blocks` distinct blocks of `BLOCK` bytes, the i-th filled with the byte `seed + i`. */
function blocks(count: number, seed: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => Buffer.alloc(BLOCK, seed + i));
}

async function collect(iterable: AsyncIterable<ListEntry>): Promise<ListEntry[]> {
  const entries: ListEntry[] = [];
  for await (const entry of iterable) entries.push(entry);
  return entries;
}

describe('AzureBlobStore streamed writes and Azure specifics', () => {
  let container: ContainerClient;
  let store: AzureBlobStore;

  beforeAll(async () => {
    container = await createTestContainer('store');
    store = new AzureBlobStore({ connectionString: testConnectionString(), container: container.containerName, blockSize: BLOCK, concurrency: 2 });
  });
  afterAll(async () => {
    await container.deleteIfExists();
  });

  it('leaves no visible object when the body fails after some blocks were staged, and passes the body error on', async () => {
    const failure = new Error('disk unplugged');
    const body = Readable.from(
      (async function* () {
        yield* blocks(3, 1);
        throw failure;
      })(),
    );
    await expect(store.put('interrupted', body)).rejects.toBe(failure);
    expect(await store.head('interrupted')).toBeUndefined();
    expect(await collect(store.list('interrupted'))).toEqual([]);
  });

  it('fails with AbortedError and leaves no visible object when aborted mid-stream', async () => {
    const controller = new AbortController();
    const body = Readable.from(
      (async function* () {
        yield* blocks(3, 1);
        controller.abort();
        yield* blocks(3, 4);
      })(),
    );
    await expect(store.put('aborted', body, { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
    expect(await store.head('aborted')).toBeUndefined();
  });

  it('applies ifNoneMatch to a multi-block stream at commit, keeping the existing object whole', async () => {
    await store.put('created', Buffer.from('original'));
    await expect(store.put('created', Readable.from(blocks(4, 1)), { ifNoneMatch: '*' })).rejects.toBeInstanceOf(PreconditionFailedError);
    expect((await readAll((await store.get('created')).body)).toString()).toBe('original');
  });

  it('compares and swaps a multi-block stream with ifMatch', async () => {
    const { etag } = await store.put('swapped', Buffer.from('v1'));
    const body = Buffer.concat(blocks(4, 10));
    const { etag: next } = await store.put('swapped', Readable.from(blocks(4, 10)), { ifMatch: etag });
    await expect(store.put('swapped', Readable.from(blocks(4, 20)), { ifMatch: etag })).rejects.toBeInstanceOf(PreconditionFailedError);
    const got = await store.get('swapped');
    expect(got.etag).toBe(next);
    expect((await readAll(got.body)).equals(body)).toBe(true);
  });

  it('lets exactly one of four racing multi-block creators win, with its bytes whole', async () => {
    const results = await Promise.allSettled(
      [0, 1, 2, 3].map((writer) => store.put('race', Readable.from(blocks(4, 10 * writer)), { ifNoneMatch: '*' })),
    );
    const winners = results.flatMap((result, writer) => (result.status === 'fulfilled' ? [writer] : []));
    expect(winners).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(PreconditionFailedError);
    expect((await readAll((await store.get('race')).body)).equals(Buffer.concat(blocks(4, 10 * winners[0]!)))).toBe(true);
  });

  it('never tears a blob when unconditional multi-block uploads race, failing the loser clearly if at all', async () => {
    const results = await Promise.allSettled([0, 1, 2, 3].map((writer) => store.put('overwrite-race', Readable.from(blocks(4, 10 * writer)))));
    const succeeded = results.flatMap((result, writer) => (result.status === 'fulfilled' ? [writer] : []));
    expect(succeeded.length).toBeGreaterThan(0);
    for (const result of results) {
      // Azure drops every uncommitted block of a blob when any upload to it commits.
      if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'BACKEND', serviceCode: 'InvalidBlockList' });
    }
    const stored = await readAll((await store.get('overwrite-race')).body);
    expect(succeeded.some((writer) => stored.equals(Buffer.concat(blocks(4, 10 * writer))))).toBe(true);
  });

  it('reports one etag form from put, head, get and list, usable for ifMatch', async () => {
    const { etag } = await store.put('etags/one', Buffer.from('x'));
    const [listed] = await collect(store.list('etags/'));
    expect(listed).toMatchObject({ type: 'object', key: 'etags/one', etag });
    expect((await store.head('etags/one'))?.etag).toBe(etag);
    expect((await store.get('etags/one')).etag).toBe(etag);
    await expect(store.put('etags/one', Buffer.from('y'), { ifMatch: etag.replaceAll('"', '') })).resolves.toEqual({ etag: expect.any(String) });
  });

  it("reads a range with the whole object's size; an empty range is refused by core's guard before Azure is asked", async () => {
    await store.put('ranged', Buffer.from('0123456789'));
    const range = await store.get('ranged', { range: { offset: 4, length: 3 } });
    expect(range.size).toBe(10);
    expect((await readAll(range.body)).toString()).toBe('456');
    // The SDK would read a count of 0 as "to the end"; GuardedStore never lets one through.
    await expect(async () => new GuardedStore(store).get('ranged', { range: { offset: 4, length: 0 } })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('merges prefixes and objects of a listing page in byte order', async () => {
    await Promise.all(['merge/A', 'merge/s1/x', 'merge/top'].map((key) => store.put(key, Buffer.from(key))));
    const names = (await collect(store.list('merge/', { delimiter: '/' }))).map((entry) => (entry.type === 'object' ? entry.key : entry.prefix));
    expect(names).toEqual(['merge/A', 'merge/s1/', 'merge/top']);
  });

  it('fails a read with AbortedError when aborted mid-download', async () => {
    const size = 32 * 1024 * 1024; // far more than the socket and stream buffers hold
    await container.getBlockBlobClient('download').upload(Buffer.alloc(size, 1), size);
    const controller = new AbortController();
    const { body } = await store.get('download', { signal: controller.signal });
    const reading = (async () => {
      for await (const _ of body) controller.abort();
    })();
    await expect(reading).rejects.toBeInstanceOf(AbortedError);
  });

  it('reports a leased blob as a BackendError with its lease code, not as a lost condition', async () => {
    await store.put('leased', Buffer.from('locked'));
    const lease = container.getBlockBlobClient('leased').getBlobLeaseClient();
    await lease.acquireLease(-1);
    try {
      for (const attempt of [() => store.put('leased', Buffer.from('x')), () => store.delete(['leased'])]) {
        const error = await attempt().then(
          () => undefined,
          (failure: unknown) => failure,
        );
        expect(error).toBeInstanceOf(BackendError);
        expect(error).toMatchObject({ serviceCode: 'LeaseIdMissing', statusCode: 412, key: 'leased' });
      }
    } finally {
      await lease.releaseLease();
    }
  });

  it('keeps a store prefix apart from keys that merely start with the same letters', async () => {
    const team = new AzureBlobStore({ connectionString: testConnectionString(), container: container.containerName, prefix: 'team' });
    await store.put('teamwork/k', Buffer.from('outside'));
    await team.put('k', Buffer.from('inside'));
    expect((await collect(team.list(''))).map((entry) => entry.type === 'object' && entry.key)).toEqual(['k']);
    expect(await store.head('team/k')).toMatchObject({ size: 6 });
  });

  it('deletes one request per blob when batch delete is off, skipping missing keys', async () => {
    const unbatched = new AzureBlobStore({ connectionString: testConnectionString(), container: container.containerName, prefix: 'unbatched', batchDelete: false });
    await Promise.all(['a', 'b', 'c'].map((key) => unbatched.put(key, Buffer.from(key))));
    await unbatched.delete(['a', 'c', 'missing']);
    expect((await collect(unbatched.list(''))).map((entry) => entry.type === 'object' && entry.key)).toEqual(['b']);
  });
});
