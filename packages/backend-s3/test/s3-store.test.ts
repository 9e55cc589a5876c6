import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import {
  AbortedError, AccessDeniedError, BackendError, InvalidInputError, NotFoundError, PreconditionFailedError, readAll,
} from '@modelreg/core';
import { PrefixedStore, pseudoRandomStream, randomPrefix } from '@modelreg/core/testing';
import { S3Context } from '../src/context.js';
import { touchObject } from '../src/touch.js';
import type { S3Store } from '../src/index.js';
import { recordCommands } from './support/record-commands.js';
import { createTestStore, s3TestConfig } from './support/s3-test-config.js';

const MIB = 1024 * 1024;
/** The S3 minimum, so multipart paths are reached with small bodies. */
const PART = 5 * MIB;

/** Passes bytes through and calls `onThreshold` once, when `threshold` bytes have gone by. */
class ByteTrigger extends Transform {
  passed = 0;
  private fired = false;

  constructor(
    private readonly threshold: number,
    private readonly onThreshold: (stream: ByteTrigger) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.passed += chunk.length;
    callback(null, chunk);
    if (!this.fired && this.passed >= this.threshold) {
      this.fired = true;
      this.onThreshold(this);
    }
  }
}

const stores: PrefixedStore[] = [];

/** A store confined to a fresh prefix (cleared after the test), with every command it sends recorded. */
function isolatedStore(options: Parameters<typeof createTestStore>[0] = {}): { root: S3Store; store: PrefixedStore; sent: string[] } {
  const root = createTestStore({ partSize: PART, ...options });
  const store = new PrefixedStore(root, randomPrefix('s3-store'));
  stores.push(store);
  return { root, store, sent: recordCommands(root.client) };
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.clear();
});

async function pendingUploads(root: S3Store, key: string): Promise<unknown[]> {
  const result = await root.client.send(new ListMultipartUploadsCommand({ Bucket: root.bucket, Prefix: root.prefix + key }));
  return result.Uploads ?? [];
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

describe('multipart uploads', () => {
  it('aborted midway leave no object and no pending multipart upload', async () => {
    const { root, store, sent } = isolatedStore({ queueSize: 2 });
    const controller = new AbortController();
    const source = pseudoRandomStream(64 * MIB).stream.pipe(new ByteTrigger(15 * MIB, () => controller.abort()));

    await expect(store.put('big.bin', source, { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);

    expect(source.passed).toBeLessThan(64 * MIB);
    expect(sent).toContain('CreateMultipartUploadCommand');
    expect(sent).toContain('UploadPartCommand');
    expect(sent.at(-1)).toBe('AbortMultipartUploadCommand');
    expect(await store.head('big.bin')).toBeUndefined();
    expect(await pendingUploads(root, `${store.prefix}big.bin`)).toEqual([]);
  });

  it('whose source fails midway leave no object and no pending multipart upload', async () => {
    const { root, store, sent } = isolatedStore();
    const source = pseudoRandomStream(64 * MIB).stream.pipe(
      new ByteTrigger(12 * MIB, (stream) => stream.destroy(new Error('disk read failed'))),
    );

    const consoleWarn = jest.spyOn(console, 'warn');
    try {
      await expect(store.put('big.bin', source)).rejects.toThrow(/disk read failed/);
      expect(consoleWarn).not.toHaveBeenCalled(); // the error says it all; the SDK prints nothing
    } finally {
      consoleWarn.mockRestore();
    }
    expect(sent).toContain('AbortMultipartUploadCommand');
    expect(await store.head('big.bin')).toBeUndefined();
    expect(await pendingUploads(root, `${store.prefix}big.bin`)).toEqual([]);
  });

  it('round-trip a body of known size above the part size, reporting the etag HeadObject reports', async () => {
    const { root, store, sent } = isolatedStore();
    const { stream, digest } = pseudoRandomStream(12 * MIB);
    const { etag } = await store.put('sized.bin', stream, { size: 12 * MIB });
    expect(sent).toContain('CompleteMultipartUploadCommand');
    const head = await root.client.send(new HeadObjectCommand({ Bucket: root.bucket, Key: `${root.prefix}${store.prefix}sized.bin` }));
    expect(etag).toBe(head.ETag!.replace(/"/g, ''));
    expect(await sha256Of((await store.get('sized.bin')).body)).toBe(digest);
  });
});

describe('conditional writes of streams', () => {
  it('send a stream of known size above the part size in one PUT, so the condition holds', async () => {
    const { store, sent } = isolatedStore();
    const first = pseudoRandomStream(6 * MIB, 'first');
    await store.put('doc', first.stream, { size: 6 * MIB, ifNoneMatch: '*' });
    const second = pseudoRandomStream(6 * MIB, 'second');
    await expect(store.put('doc', second.stream, { size: 6 * MIB, ifNoneMatch: '*' })).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(sent).not.toContain('CreateMultipartUploadCommand');
    expect(await sha256Of((await store.get('doc')).body)).toBe(first.digest);
  });

  it('read a small stream of unknown length whole and refuse one longer than the part size', async () => {
    const { root, store } = isolatedStore();
    await store.put('alias.json', Readable.from([Buffer.from('{"v":1}')]), { ifNoneMatch: '*' });
    await expect(store.put('alias.json', Readable.from([Buffer.from('{"v":2}')]), { ifNoneMatch: '*' })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    const tooLong = store.put('long.json', pseudoRandomStream(PART + 1).stream, { ifNoneMatch: '*' });
    await expect(tooLong).rejects.toBeInstanceOf(InvalidInputError);
    await expect(tooLong).rejects.toThrow(/at most 5242880 bytes \(partSize\).*Pass its size/);
    expect(await store.head('long.json')).toBeUndefined();
    expect(await pendingUploads(root, `${store.prefix}long.json`)).toEqual([]);
  });

  it('turn ifMatch on a missing key into PreconditionFailedError and write nothing', async () => {
    const { store } = isolatedStore();
    await expect(store.put('absent', Buffer.from('x'), { ifMatch: 'd41d8cd98f00b204e9800998ecf8427e' })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    expect(await store.head('absent')).toBeUndefined();
  });
});

describe('small streams of known size', () => {
  it('are refused, with nothing written, when their length differs from the size given', async () => {
    const { store } = isolatedStore();
    const consoleWarn = jest.spyOn(console, 'warn');
    try {
      await expect(store.put('short', Readable.from([Buffer.from('abc')]), { size: 4 })).rejects.toThrow(/ended after 3 bytes, but its size says 4/);
      await expect(store.put('long', Readable.from([Buffer.from('abcde')]), { size: 4 })).rejects.toThrow(/longer than the 4 bytes its size says/);
      expect(consoleWarn).not.toHaveBeenCalled();
    } finally {
      consoleWarn.mockRestore();
    }
    expect(await store.head('short')).toBeUndefined();
    expect(await store.head('long')).toBeUndefined();
  });
});

describe('downloads', () => {
  it('read an object larger than the part size with one streamed GET', async () => {
    const { store, sent } = isolatedStore();
    const { stream, digest } = pseudoRandomStream(17 * MIB);
    await store.put('weights.bin', stream);
    sent.length = 0;
    const got = await store.get('weights.bin');
    expect(got.size).toBe(17 * MIB);
    expect(await sha256Of(got.body)).toBe(digest);
    expect(sent).toEqual(['GetObjectCommand']);
  });

  it("read a range with one GET, reporting the whole object's size", async () => {
    const { store, sent } = isolatedStore();
    const bytes = randomBytes(6 * MIB);
    await store.put('weights.bin', bytes);
    sent.length = 0;
    const got = await store.get('weights.bin', { range: { offset: MIB, length: 2 * MIB } });
    expect(got.size).toBe(6 * MIB);
    expect((await readAll(got.body)).equals(bytes.subarray(MIB, 3 * MIB))).toBe(true);
    const tail = await store.get('weights.bin', { range: { offset: 5 * MIB } });
    expect((await readAll(tail.body)).equals(bytes.subarray(5 * MIB))).toBe(true);
    expect(sent).toEqual(['GetObjectCommand', 'GetObjectCommand']);
  });

  it('read the version they started on, whole, when the object is replaced during the read', async () => {
    const { store } = isolatedStore();
    const old = pseudoRandomStream(12 * MIB, 'old');
    await store.put('weights.bin', old.stream);
    const got = await store.get('weights.bin');
    await store.put('weights.bin', pseudoRandomStream(12 * MIB, 'new').stream);
    // One response is one version of the object: nothing of the new one is spliced in.
    expect(await sha256Of(got.body)).toBe(old.digest);
  });
});

describe('touch', () => {
  it('copies an object above the single-copy limit onto itself in parts, keeping bytes and content type', async () => {
    const { root, store, sent } = isolatedStore();
    const { stream, digest } = pseudoRandomStream(12 * MIB);
    await store.put('large.bin', stream, { contentType: 'application/x-model' });
    const key = `${root.prefix}${store.prefix}large.bin`;
    const before = (await store.head('large.bin'))!.lastModified;
    await new Promise((resolve) => setTimeout(resolve, 1100)); // lastModified has whole-second resolution
    sent.length = 0;

    await touchObject(new S3Context(root.client, root.bucket, { partSize: PART, queueSize: 1 }), key, {}, PART);

    expect(sent.filter((name) => name === 'UploadPartCopyCommand')).toHaveLength(3);
    const head = await root.client.send(new HeadObjectCommand({ Bucket: root.bucket, Key: key }));
    expect(head.ContentType).toBe('application/x-model');
    expect(head.LastModified!.getTime()).toBeGreaterThan(before.getTime());
    expect(await sha256Of((await store.get('large.bin')).body)).toBe(digest);
    expect(await pendingUploads(root, key)).toEqual([]);
  });
});

/** Runs each store operation once and returns what it threw (an Error saying so when it succeeded). */
async function failuresOfEveryOperation(store: S3Store): Promise<Array<[string, unknown]>> {
  const operations: Array<[string, () => Promise<unknown>]> = [
    ['head', () => store.head('any')],
    ['get', () => store.get('any')],
    ['put', () => store.put('any', Buffer.from('x'))],
    ['list', async () => {
      for await (const _ of store.list('')) break;
    }],
    ['delete', () => store.delete(['any'])],
    ['touch', () => store.touch('any')],
  ];
  const failures: Array<[string, unknown]> = [];
  for (const [name, operation] of operations) {
    failures.push([name, await operation().then(() => new Error(`${name} succeeded`), (failure: unknown) => failure)]);
  }
  return failures;
}

describe('errors', () => {
  it('report wrong credentials as AccessDeniedError, never as a missing key', async () => {
    const config = s3TestConfig();
    const store = createTestStore({ credentials: { accessKeyId: config.accessKeyId, secretAccessKey: `${config.secretAccessKey}-wrong` } });
    for (const [name, error] of await failuresOfEveryOperation(store)) {
      expect([name, error]).toEqual([name, expect.any(AccessDeniedError)]);
    }
  });

  it('name a missing bucket instead of reporting a missing key', async () => {
    const bucket = `modelreg-missing-${randomBytes(4).toString('hex')}`;
    const store = createTestStore({ bucket });
    for (const [name, error] of await failuresOfEveryOperation(store)) {
      expect([name, error]).toEqual([name, expect.any(BackendError)]);
      expect(error).not.toBeInstanceOf(NotFoundError);
      expect((error as BackendError).message).toContain(`Bucket "${bucket}" does not exist`);
      expect((error as BackendError).serviceCode).toBe('NoSuchBucket');
    }
  });

  it('keep the service request id on backend errors', async () => {
    const store = createTestStore({ bucket: `modelreg-missing-${randomBytes(4).toString('hex')}` });
    const error = await store.get('any').catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).requestId).toEqual(expect.any(String));
    expect((error as BackendError).statusCode).toBe(404);
  });
});
