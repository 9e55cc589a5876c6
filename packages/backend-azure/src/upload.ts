import { createHash, randomUUID } from 'node:crypto';
import { type Readable, addAbortSignal } from 'node:stream';
import type { BlobRequestConditions, BlockBlobClient } from '@azure/storage-blob';
import { InvalidInputError } from '@modelreg/core/backend';
import { BlockPool, blocksOf, fileBlocks } from './blocks.js';
import { MAX_BLOCKS_PER_BLOB } from './options.js';

export interface BlobUploadOptions {
  /** The key as the caller named it, for messages. */
  key: string;
  blockSize: number;
  /** Blocks staged at once. */
  concurrency: number;
  conditions: BlobRequestConditions;
  contentType?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Called with the running total of bytes the service has accepted. */
  onBytes?: ((total: number) => void) | undefined;
  /** Turns an SDK error into the error the caller sees. */
  translate: (error: unknown) => Error;
  /** Runs once the body is read, before the blob becomes visible; its error fails the upload. */
  beforeCommit?: (() => Promise<void>) | undefined;
}

/**
 * Streams `body` into a block blob. A body that fits in one block goes in a single Put Blob; a
 * larger one is staged as blocks, at most `concurrency` in flight, and published by one Put Block
 * List. Either way the write conditions are checked by the request that makes the blob visible, so
 * a conditional write stays atomic, and a failed or aborted upload leaves no blob behind (Azure
 * discards uncommitted blocks). Memory held: at most `(concurrency + 1) x blockSize`.
 *
 * Every request that carries bytes carries their MD5 (transactional Content-MD5): the service checks
 * each block as it arrives and refuses one damaged in transit (`Md5Mismatch`), so nothing corrupt
 * gets committed under a content address. It is also what keeps staging fast on services that
 * otherwise compute a CRC-64 of every block themselves: Azurite does so in JavaScript, which made a
 * staged upload half as fast as a single Put Blob; with the MD5 supplied it only checks that.
 *
 * SDK errors are translated; an error of `body` itself reaches the caller unchanged.
 */
export async function uploadBlob(blob: BlockBlobClient, body: Readable, options: BlobUploadOptions): Promise<string | undefined> {
  return uploadBlocks(blob, (pool, signal) => {
    // A stalled body would otherwise keep an aborted upload waiting for its next chunk.
    addAbortSignal(signal, body);
    return blocksOf(body, pool);
  }, options);
}

/** `uploadBlob` for the first `size` bytes of a local file, read by ranges straight into the block buffers. */
export async function uploadFileBlob(blob: BlockBlobClient, path: string, size: number, options: BlobUploadOptions): Promise<string | undefined> {
  return uploadBlocks(blob, (pool) => fileBlocks(path, size, pool), options);
}

async function uploadBlocks(
  blob: BlockBlobClient,
  blocksFrom: (pool: BlockPool, signal: AbortSignal) => AsyncIterable<Buffer>,
  options: BlobUploadOptions,
): Promise<string | undefined> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const uploadId = randomUUID();
  const blockIds: string[] = [];
  const inFlight = new Set<Promise<void>>();
  const pool = new BlockPool(options.blockSize);
  let failure: Error | undefined;
  let staged = 0;
  const stage = (block: Buffer) => {
    if (blockIds.length === MAX_BLOCKS_PER_BLOB) {
      throw new InvalidInputError(
        `Body of ${options.key} is larger than ${MAX_BLOCKS_PER_BLOB} blocks of ${options.blockSize} bytes: pass its size, or raise blockSize`,
        { key: options.key },
      );
    }
    const id = blockId(uploadId, blockIds.length);
    blockIds.push(id);
    const staging: Promise<void> = blob
      .stageBlock(id, block, block.length, { abortSignal: controller.signal, transactionalContentMD5: md5(block) })
      .then(
        () => {
          pool.give(block);
          staged += block.length;
          options.onBytes?.(staged);
        },
        (error: unknown) => {
          if (controller.signal.aborted) return; // cancelled because of another failure, or by the caller
          failure = options.translate(error);
          controller.abort();
        },
      )
      .finally(() => inFlight.delete(staging));
    inFlight.add(staging);
  };
  const headers = { blobHTTPHeaders: { blobContentType: options.contentType }, conditions: options.conditions, abortSignal: controller.signal };

  try {
    let held: Buffer | undefined; // staged only once a further block shows the body needs more than one
    for await (const block of blocksFrom(pool, controller.signal)) {
      if (held) stage(held);
      held = block;
      while (inFlight.size >= options.concurrency && !failure) await Promise.race(inFlight);
      if (failure) throw failure;
    }
    await options.beforeCommit?.();
    if (blockIds.length === 0) {
      const single = held ?? Buffer.alloc(0);
      const { etag } = await blob.upload(single, single.length, { ...headers, transactionalContentMD5: md5(single) }).catch(rethrow(options.translate));
      options.onBytes?.(single.length);
      return etag;
    }
    stage(held!);
    await Promise.all(inFlight);
    if (failure) throw failure;
    return (await blob.commitBlockList(blockIds, headers).catch(rethrow(options.translate))).etag;
  } catch (error) {
    controller.abort();
    await Promise.all(inFlight);
    if (options.signal?.aborted) throw options.translate(error);
    throw failure ?? error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** Block ids must have one length within a blob; a fresh upload id keeps concurrent uploads' blocks apart. */
function blockId(uploadId: string, index: number): string {
  return Buffer.from(`${uploadId}-${String(index).padStart(6, '0')}`).toString('base64');
}

function md5(bytes: Buffer): Buffer {
  return createHash('md5').update(bytes).digest();
}

function rethrow(translate: (error: unknown) => Error) {
  return (error: unknown): never => {
    throw translate(error);
  };
}
