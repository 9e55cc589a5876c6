import { type BatchSubResponse, type ContainerClient, RestError } from '@azure/storage-blob';
import pLimit from 'p-limit';

/** Sub-requests Azure accepts in one Blob Batch request. */
const BATCH_LIMIT = 256;

export interface BlobDeleteOptions {
  /** Use Blob Batch; otherwise one request per blob. */
  batch: boolean;
  /** Requests in flight at once. */
  concurrency: number;
  signal?: AbortSignal | undefined;
  /** Turns an SDK error (about one blob, when named) into the error the caller sees. */
  translate: (error: unknown, name?: string) => Error;
}

/** Deletes the named blobs with their snapshots; names that do not exist are skipped. */
export async function deleteBlobs(client: ContainerClient, names: readonly string[], options: BlobDeleteOptions): Promise<void> {
  const limit = pLimit(options.concurrency);
  const common = { abortSignal: options.signal, deleteSnapshots: 'include' as const };
  if (!options.batch) {
    await Promise.all(
      names.map((name) =>
        limit(() =>
          client.getBlobClient(name).deleteIfExists(common).catch((error: unknown) => {
            throw options.translate(error, name);
          }),
        ),
      ),
    );
    return;
  }
  const batches: string[][] = [];
  for (let start = 0; start < names.length; start += BATCH_LIMIT) batches.push(names.slice(start, start + BATCH_LIMIT));
  await Promise.all(
    batches.map((batch) =>
      limit(async () => {
        const response = await client
          .getBlobBatchClient()
          .deleteBlobs(batch.map((name) => client.getBlobClient(name)), common)
          .catch((error: unknown) => {
            throw options.translate(error);
          });
        // Sub-responses are indexed like the requests; each succeeds or fails on its own.
        batch.forEach((name, index) => {
          const sub = response.subResponses[index];
          if (sub && (sub.status < 300 || sub.errorCode === 'BlobNotFound')) return;
          throw options.translate(sub ? subResponseError(sub) : new Error('the batch response has no answer for this blob'), name);
        });
      }),
    ),
  );
}

function subResponseError(sub: BatchSubResponse): RestError {
  return Object.assign(new RestError(sub.statusMessage, { statusCode: sub.status, code: sub.errorCode }), {
    details: { errorCode: sub.errorCode, 'x-ms-request-id': sub.headers.get('x-ms-request-id') },
  });
}
