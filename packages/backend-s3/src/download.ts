import { Readable } from 'node:stream';
import { GetObjectCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { type ByteRange, type GetOptions, type GetResult, InvalidInputError } from '@modelreg/core';
import { type S3Context, call, toStoreError } from './context.js';
import { normalizeEtag } from './etag.js';

/**
 * Opens an object for reading. A whole object larger than `partSize` is read as `partSize` ranges,
 * `downloadConcurrency` at a time, each pinned to the first response's etag so a concurrent
 * overwrite fails the read instead of splicing two versions.
 */
export async function downloadObject(context: S3Context, key: string, options: GetOptions): Promise<GetResult> {
  const { range, signal } = options;
  if (range || context.downloadConcurrency === 1) {
    const whole = await openRange(context, key, range, signal);
    return { ...whole, body: translatedBody(context, key, whole.body, () => whole.body.destroy()) };
  }
  const first = await openFirstPart(context, key, signal);
  if (first.size <= context.partSize) return { ...first, body: translatedBody(context, key, first.body, () => first.body.destroy()) };
  return { ...first, body: readInParts(context, key, first, signal) };
}

/** `Range: bytes=0-<partSize-1>` fails with 416 on an empty object, which then takes a plain GET. */
async function openFirstPart(context: S3Context, key: string, signal: AbortSignal | undefined): Promise<GetResult> {
  try {
    return await openRange(context, key, { offset: 0, length: context.partSize }, signal);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return openRange(context, key, undefined, signal);
  }
}

async function openRange(context: S3Context, key: string, range: ByteRange | undefined, signal: AbortSignal | undefined, etag?: string): Promise<GetResult> {
  const response = await call(context, 'GetObject', { key, signal }, (abortSignal) =>
    context.client.send(
      new GetObjectCommand({ Bucket: context.bucket, Key: key, Range: range && rangeHeader(range), IfMatch: etag }),
      { abortSignal },
    ),
  );
  return {
    body: response.Body as Readable,
    size: totalSize(response),
    etag: normalizeEtag(response.ETag),
    lastModified: response.LastModified ?? new Date(0),
  };
}

function rangeHeader(range: ByteRange): string {
  return `bytes=${range.offset}-${range.length === undefined ? '' : range.offset + range.length - 1}`;
}

/** The whole object's size: from `Content-Range: bytes a-b/<total>` on a ranged response. */
function totalSize(response: GetObjectCommandOutput): number {
  const total = response.ContentRange?.match(/\/(\d+)$/)?.[1];
  return total === undefined ? (response.ContentLength ?? 0) : Number(total);
}

/**
 * Streams the first part as it arrives while the next ranges download into memory, and emits
 * them in order. Destroying the returned stream cancels the requests in flight.
 */
function readInParts(context: S3Context, key: string, first: GetResult, signal: AbortSignal | undefined): Readable {
  const cancel = new AbortController();
  const partSignal = signal ? AbortSignal.any([signal, cancel.signal]) : cancel.signal;
  const partCount = Math.ceil(first.size / context.partSize);
  const fetchPart = async (index: number): Promise<Buffer[]> => {
    const offset = index * context.partSize;
    const length = Math.min(context.partSize, first.size - offset);
    const part = await openRange(context, key, { offset, length }, partSignal, first.etag);
    return part.body.toArray();
  };

  async function* parts(): AsyncGenerator<Buffer> {
    const inFlight: Array<Promise<Buffer[]>> = [];
    let next = 1;
    const refill = () => {
      while (next < partCount && inFlight.length < context.downloadConcurrency - 1) {
        const part = fetchPart(next++);
        part.catch(() => {}); // awaited in order below; a failure before its turn must not go unhandled
        inFlight.push(part);
      }
    };
    refill();
    yield* first.body;
    while (inFlight.length > 0) {
      const chunks = await inFlight.shift()!;
      refill();
      yield* chunks;
    }
  }

  return translatedBody(context, key, parts(), () => {
    cancel.abort();
    first.body.destroy();
  });
}

/** A body whose stream failures (a reset connection, a part whose etag changed) are modelreg errors. */
function translatedBody(context: S3Context, key: string, chunks: AsyncIterable<Buffer>, onClose: () => void): Readable {
  async function* translated(): AsyncGenerator<Buffer> {
    try {
      yield* chunks;
    } catch (error) {
      throw toStoreError(context, 'GetObject', error, { key });
    }
  }
  const body = Readable.from(translated(), { objectMode: false });
  body.once('close', onClose);
  return body;
}
