import { Readable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  AbortedError, InvalidInputError, NotFoundError, PreconditionFailedError, type PutBody, type PutOptions, readAll,
} from '@modelreg/core/backend';
import { type S3Context, call, toStoreError } from './context.js';
import { normalizeEtag } from './etag.js';
import { requireObject } from './head.js';
import { MAX_SINGLE_PUT_BYTES } from './options.js';

/** S3's limit on parts per multipart upload. */
const MAX_PARTS = 10_000;

/**
 * Writes one object and returns its (unquoted) etag.
 *
 * - Conditional writes always go in one PutObject: Ceph RGW ignores conditions on
 *   CompleteMultipartUpload, and a single PUT is atomic everywhere. A conditional stream of unknown
 *   length is therefore read into memory up to `partSize` (manifests and aliases are a few KiB);
 *   a longer one is refused. A conditional stream of known size is streamed in one PUT (up to 5 GiB).
 * - Bodies up to `partSize` go in one PutObject, read into memory so the SDK can retry them.
 * - Anything larger, or a stream of unknown length, goes through a multipart upload with at most
 *   `queueSize` parts in memory; if it fails or is aborted the multipart upload is aborted too.
 */
export async function uploadObject(context: S3Context, key: string, body: PutBody, options: PutOptions): Promise<string> {
  const conditional = options.ifNoneMatch !== undefined || options.ifMatch !== undefined;
  if (body instanceof Readable) {
    const bufferable = options.size === undefined ? conditional : options.size <= context.partSize;
    if (!bufferable) {
      if (!conditional) return uploadMultipart(context, key, body, options);
      if (options.size! > MAX_SINGLE_PUT_BYTES) {
        body.destroy();
        throw new InvalidInputError(`Conditional put of ${key}: ${options.size} bytes is more than one PUT can carry (5 GiB).`, { key });
      }
      return putSingle(context, key, body, options);
    }
    body = await readSmallStream(key, body, options, context.partSize);
  }
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (conditional || bytes.length <= context.partSize) return putSingle(context, key, bytes, options);
  return uploadMultipart(context, key, Readable.from([bytes]), options);
}

async function readSmallStream(key: string, stream: Readable, options: PutOptions, partSize: number): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readAll(stream, options.signal, options.size ?? partSize);
  } catch (error) {
    stream.destroy();
    if (!(error instanceof InvalidInputError)) throw error;
    throw new InvalidInputError(
      options.size === undefined
        ? `Conditional put of ${key}: a stream of unknown length may be at most ${partSize} bytes (partSize), because S3 conditions only hold for a single PUT. Pass its size.`
        : `Put of ${key}: the stream is longer than the ${options.size} bytes its size says.`,
      { key, cause: error },
    );
  }
  if (options.size !== undefined && bytes.length !== options.size) {
    throw new InvalidInputError(`Put of ${key}: the stream ended after ${bytes.length} bytes, but its size says ${options.size}.`, { key });
  }
  return bytes;
}

async function putSingle(context: S3Context, key: string, body: Buffer | Readable, options: PutOptions): Promise<string> {
  try {
    const result = await call(context, 'PutObject', { key, signal: options.signal }, (abortSignal) =>
      context.client.send(
        new PutObjectCommand({
          Bucket: context.bucket,
          Key: key,
          Body: body,
          ContentLength: body instanceof Readable ? options.size : body.length,
          ContentType: options.contentType,
          IfNoneMatch: options.ifNoneMatch,
          IfMatch: options.ifMatch,
        }),
        { abortSignal },
      ),
    );
    return normalizeEtag(result.ETag) || (await readEtag(context, key, options.signal));
  } catch (error) {
    if (body instanceof Readable) body.destroy();
    // AWS answers IfMatch on a missing key with 404 NoSuchKey; the contract calls that a lost condition.
    if (error instanceof NotFoundError && options.ifMatch !== undefined) {
      throw new PreconditionFailedError(`Object ${key} does not exist, so etag ${options.ifMatch} cannot match`, { key, cause: error });
    }
    throw error;
  }
}

/**
 * lib-storage's own abort resolves `done()` before its cleanup has run; destroying the source
 * instead makes `done()` wait for the parts in flight and for AbortMultipartUpload before it fails.
 */
async function uploadMultipart(context: S3Context, key: string, body: Readable, options: PutOptions): Promise<string> {
  const partSize = options.size === undefined ? context.partSize : Math.max(context.partSize, Math.ceil(options.size / MAX_PARTS));
  // Loaded on the first multipart upload: a process that only loads models never needs it.
  const { Upload } = await import('@aws-sdk/lib-storage');
  const upload = new Upload({
    client: context.client,
    params: { Bucket: context.bucket, Key: key, Body: body, ContentType: options.contentType },
    partSize,
    queueSize: context.queueSize,
    leavePartsOnError: false,
  });
  const signal = options.signal;
  const abort = () => body.destroy(new AbortedError(`Upload of ${key} was aborted`, { key, cause: signal?.reason }));
  signal?.addEventListener('abort', abort, { once: true });
  try {
    const result = await upload.done();
    // Ceph RGW answers CompleteMultipartUpload with an empty ETag.
    return normalizeEtag(result.ETag) || (await readEtag(context, key, signal));
  } catch (error) {
    body.destroy();
    throw toStoreError(context, 'multipart upload', error, { key, signal });
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

async function readEtag(context: S3Context, key: string, signal: AbortSignal | undefined): Promise<string> {
  return normalizeEtag((await requireObject(context, key, signal)).ETag);
}
