import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, ListPartsCommand } from '@aws-sdk/client-s3';
import { type IncompleteWrite, NotFoundError, type OperationOptions } from '@modelreg/core/backend';
import { type S3Context, call } from './context.js';

/** Uploads per ListMultipartUploads page and parts per ListParts page: the S3 maximum (smaller in tests). */
export interface UploadPageSizes {
  readonly uploads: number;
  readonly parts: number;
}

const S3_PAGE_SIZES: UploadPageSizes = { uploads: 1000, parts: 1000 };

/**
 * Every multipart upload under `prefix` that was started and neither completed nor aborted, in key
 * order, with the bytes its parts hold. One ListMultipartUploads page is in memory at a time, and
 * each upload is yielded before the next is asked about, so the caller may abort it meanwhile.
 * `strip` is removed from the front of every key. An upload that ends while being listed is left out.
 */
export async function* listIncompleteUploads(
  context: S3Context,
  prefix: string,
  strip: string,
  options: OperationOptions,
  pageSizes: UploadPageSizes = S3_PAGE_SIZES,
): AsyncGenerator<IncompleteWrite> {
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await call(context, 'ListMultipartUploads', { key: prefix, signal: options.signal }, (abortSignal) =>
      context.client.send(
        new ListMultipartUploadsCommand({
          Bucket: context.bucket,
          Prefix: prefix,
          KeyMarker: keyMarker,
          UploadIdMarker: uploadIdMarker,
          MaxUploads: pageSizes.uploads,
        }),
        { abortSignal },
      ),
    );
    for (const upload of page.Uploads ?? []) {
      // gc aborts what this yields: never trust the server to have applied the prefix.
      if (upload.Key === undefined || upload.UploadId === undefined || !upload.Key.startsWith(prefix)) continue;
      const size = await uploadedBytes(context, upload.Key, upload.UploadId, options.signal, pageSizes.parts);
      if (size === undefined) continue;
      // Without a start time, count it as just started: gc must not abort a push that may be running.
      yield { id: upload.UploadId, key: upload.Key.slice(strip.length), startedAt: upload.Initiated ?? new Date(), size };
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    uploadIdMarker = page.NextUploadIdMarker;
  } while (keyMarker !== undefined);
}

/** The sum of the sizes of an upload's parts (ListParts, paged), or undefined when it no longer exists. */
async function uploadedBytes(context: S3Context, key: string, uploadId: string, signal: AbortSignal | undefined, maxParts: number): Promise<number | undefined> {
  let size = 0;
  let partNumberMarker: string | undefined;
  do {
    const page = await call(context, 'ListParts', { key, uploadId, signal }, (abortSignal) =>
      context.client.send(
        new ListPartsCommand({ Bucket: context.bucket, Key: key, UploadId: uploadId, PartNumberMarker: partNumberMarker, MaxParts: maxParts }),
        { abortSignal },
      ),
    ).catch(ignoreNotFound);
    if (page === undefined) return undefined;
    for (const part of page.Parts ?? []) size += part.Size ?? 0;
    partNumberMarker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
  } while (partNumberMarker !== undefined);
  return size;
}

/** AbortMultipartUpload; an upload already completed or aborted is not an error. */
export async function abortIncompleteUpload(context: S3Context, key: string, uploadId: string, options: OperationOptions): Promise<void> {
  await call(context, 'AbortMultipartUpload', { key, uploadId, signal: options.signal }, (abortSignal) =>
    context.client.send(new AbortMultipartUploadCommand({ Bucket: context.bucket, Key: key, UploadId: uploadId }), { abortSignal }),
  ).catch(ignoreNotFound);
}

/** For requests about one upload: `NotFoundError` there means it was completed or aborted already. */
function ignoreNotFound(error: unknown): undefined {
  if (error instanceof NotFoundError) return undefined;
  throw error;
}
