import { afterEach, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, ListMultipartUploadsCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { type IncompleteWrite, KeyScheme, createRegistry, sha256 } from '@modelreg/core';
import { PrefixedStore, randomPrefix } from '@modelreg/core/testing';
import { S3Context } from '../src/context.js';
import { listIncompleteUploads } from '../src/incomplete-uploads.js';
import type { S3Store } from '../src/index.js';
import { createTestStore } from './support/s3-test-config.js';

const MIB = 1024 * 1024;
const PART = 5 * MIB;
const REGISTRY = 'team-a';
const BLOB_KEY = new KeyScheme(REGISTRY).blobKey(sha256(Buffer.from('never completed')));

const stores: S3Store[] = [];

/** A store under a fresh prefix; its objects and multipart uploads are removed after the test. */
function isolatedStore(): S3Store {
  const store = createTestStore({ prefix: randomPrefix('s3-incomplete').slice(0, -1) });
  stores.push(store);
  return store;
}

afterEach(async () => {
  for (const store of stores.splice(0)) {
    for (const upload of await rawUploads(store)) {
      await store.client.send(new AbortMultipartUploadCommand({ Bucket: store.bucket, Key: upload.key, UploadId: upload.id }));
    }
    await new PrefixedStore(store, '').clear();
  }
});

/** What a killed push leaves: a multipart upload under the store prefix with parts, never completed. */
async function startUpload(store: S3Store, key: string, partSizes: number[]): Promise<string> {
  const target = { Bucket: store.bucket, Key: store.prefix + key };
  const { UploadId } = await store.client.send(new CreateMultipartUploadCommand(target));
  for (const [index, size] of partSizes.entries()) {
    await store.client.send(new UploadPartCommand({ ...target, UploadId, PartNumber: index + 1, Body: Buffer.alloc(size, index + 1) }));
  }
  return UploadId!;
}

/** The server's own answer for the store prefix: full keys and upload ids. */
async function rawUploads(store: S3Store): Promise<{ key: string; id: string }[]> {
  const result = await store.client.send(new ListMultipartUploadsCommand({ Bucket: store.bucket, Prefix: store.prefix }));
  return (result.Uploads ?? []).map((upload) => ({ key: upload.Key!, id: upload.UploadId! }));
}

async function collect(writes: AsyncIterable<IncompleteWrite>): Promise<IncompleteWrite[]> {
  const all: IncompleteWrite[] = [];
  for await (const write of writes) all.push(write);
  return all;
}

describe('incomplete multipart uploads', () => {
  it('are listed under the prefix with their key relative to the store, id, start time and the bytes of their parts', async () => {
    const store = isolatedStore();
    const before = Date.now();
    const id = await startUpload(store, BLOB_KEY, [PART, PART]);
    // Beside the registry prefix, sharing its first characters: not part of it.
    await startUpload(store, `${REGISTRY}b/blobs/x`, [1024]);

    const writes = await collect(store.listIncompleteWrites(`${REGISTRY}/`));

    expect(writes).toEqual([{ id, key: BLOB_KEY, startedAt: expect.any(Date), size: 2 * PART }]);
    // Whole seconds on some servers; generous for clock skew between the test and the server.
    expect(Math.abs(writes[0]!.startedAt.getTime() - before)).toBeLessThan(60_000);
    expect(await collect(store.listIncompleteWrites(''))).toHaveLength(2);
  });

  it('are counted by the registry stats', async () => {
    const store = isolatedStore();
    await startUpload(store, BLOB_KEY, [PART, PART]);
    const registry = createRegistry({ backend: store, prefix: REGISTRY });

    const stats = await registry.stats();

    expect(stats).toMatchObject({ incompleteWrites: 1, incompleteWriteBytes: 2 * PART, blobs: 0 });
  });

  it('are aborted by gc once older than the grace period', async () => {
    const store = isolatedStore();
    await startUpload(store, BLOB_KEY, [PART, PART]);
    const registry = createRegistry({ backend: store, prefix: REGISTRY });
    // The gc measures age from the store's clock, which Ceph RGW keeps in whole seconds.
    await sleep(2500);

    const report = await registry.gc({ dryRun: false, gracePeriodMs: 1000 });

    expect(report).toMatchObject({ removedIncompleteWrites: 1, removedIncompleteBytes: 2 * PART });
    expect(await rawUploads(store)).toEqual([]);
    expect((await registry.stats()).incompleteWrites).toBe(0);
  });

  it('younger than the grace period are kept by gc', async () => {
    const store = isolatedStore();
    const id = await startUpload(store, BLOB_KEY, [PART, 1024]);
    const registry = createRegistry({ backend: store, prefix: REGISTRY });

    const report = await registry.gc({ dryRun: false, gracePeriodMs: 60_000 });

    expect(report).toMatchObject({ removedIncompleteWrites: 0, removedIncompleteBytes: 0 });
    expect(await rawUploads(store)).toEqual([{ key: store.prefix + BLOB_KEY, id }]);
  });

  it('already aborted (or never there) can be removed again without an error', async () => {
    const store = isolatedStore();
    await startUpload(store, BLOB_KEY, [1024]);
    const [write] = await collect(store.listIncompleteWrites(''));

    await store.removeIncompleteWrite(write!);
    await store.removeIncompleteWrite(write!);
    await store.removeIncompleteWrite({ ...write!, id: 'no-such-upload' });

    expect(await rawUploads(store)).toEqual([]);
  });

  it('are paged through, uploads and parts, while the caller aborts each one it is given', async () => {
    const store = isolatedStore();
    const ids = [
      await startUpload(store, 'a/one', [100, 200, 300]),
      await startUpload(store, 'a/one', [400]),
      await startUpload(store, 'a/two', [500, 600]),
    ];
    const context = new S3Context(store.client, store.bucket, { partSize: PART, queueSize: 1 });
    const seen: IncompleteWrite[] = [];

    for await (const write of listIncompleteUploads(context, `${store.prefix}a/`, store.prefix, {}, { uploads: 1, parts: 1 })) {
      seen.push(write);
      await store.removeIncompleteWrite(write);
    }

    expect(seen.map((write) => write.key)).toEqual(['a/one', 'a/one', 'a/two']);
    expect(new Set(seen.map((write) => write.id))).toEqual(new Set(ids));
    expect(seen.map((write) => write.size).sort((a, b) => a - b)).toEqual([400, 600, 1100]);
    expect(await rawUploads(store)).toEqual([]);
  });

  it('that end between the listing and their parts are left out', async () => {
    const store = isolatedStore();
    await startUpload(store, 'a/one', [100]);
    const ending = await startUpload(store, 'a/two', [200]);
    const context = new S3Context(store.client, store.bucket, { partSize: PART, queueSize: 1 });
    const seen: string[] = [];

    // One page holds both; the second ends after the page was read and before its parts are listed
    // (Ceph RGW then answers ListParts with NoSuchKey, AWS with NoSuchUpload).
    for await (const write of listIncompleteUploads(context, `${store.prefix}a/`, store.prefix, {}, { uploads: 2, parts: 1 })) {
      seen.push(write.key!);
      await store.removeIncompleteWrite({ ...write, key: 'a/two', id: ending });
    }

    expect(seen).toEqual(['a/one']);
  });
});
