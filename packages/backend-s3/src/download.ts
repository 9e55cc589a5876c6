import type { Readable } from 'node:stream';
import { GetObjectCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import type { ByteRange, GetOptions, GetResult } from '@modelreg/core/backend';
import { withTranslatedErrors } from '@modelreg/core/backend';
import { type S3Context, call, toStoreError } from './context.js';
import { normalizeEtag } from './etag.js';

/**
 * Opens an object (or the range asked for) with one GetObject and streams its body. Large blobs
 * are split into parallel ranged gets by core (`rangeBytes`, `rangeConcurrency`), not here. One
 * response is one version of the object, so a read never splices two versions; core checks the
 * digest of a blob read as several ranges.
 */
export async function downloadObject(context: S3Context, key: string, options: GetOptions): Promise<GetResult> {
  const { range, signal } = options;
  const response = await call(context, 'GetObject', { key, signal }, (abortSignal) =>
    context.client.send(new GetObjectCommand({ Bucket: context.bucket, Key: key, Range: range && rangeHeader(range) }), { abortSignal }),
  );
  return {
    body: withTranslatedErrors(response.Body as Readable, (error) => toStoreError(context, 'GetObject', error, { key, signal })),
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
