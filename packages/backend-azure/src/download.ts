import type { Readable } from 'node:stream';
import type { BlobClient } from '@azure/storage-blob';
import type { ByteRange, GetResult } from '@modelreg/core/backend';
import { withTranslatedErrors } from '@modelreg/core/backend';
import { normalizeEtag } from './etag.js';

/** Retries of a download stream that breaks mid-way, each resuming where it stopped. */
const DOWNLOAD_RESUMES = 5;

export interface BlobDownloadOptions {
  range?: ByteRange | undefined;
  signal?: AbortSignal | undefined;
  /** Turns an SDK error into the error the caller sees. */
  translate: (error: unknown) => Error;
}

/** Opens a blob (or the range asked for) with one download request and streams its body. */
export async function downloadBlob(blob: BlobClient, options: BlobDownloadOptions): Promise<GetResult> {
  const { range, translate } = options;
  const response = await blob
    .download(range?.offset ?? 0, range?.length, { abortSignal: options.signal, maxRetryRequests: DOWNLOAD_RESUMES })
    .catch((error: unknown) => {
      throw translate(error);
    });
  // A ranged answer reports the whole object's size after the slash of its Content-Range.
  const total = response.contentRange?.match(/\/(\d+)$/)?.[1];
  return {
    size: total === undefined ? response.contentLength! : Number(total),
    etag: normalizeEtag(response.etag!),
    lastModified: response.lastModified!,
    body: withTranslatedErrors(response.readableStreamBody as Readable, translate),
  };
}
