import type { BlobRef } from '../blobs/blob-presence.js';
import { reportBytes } from '../registry/progress.js';
import type { RegistryParts } from '../registry/parts.js';
import { mapBounded } from '../util/concurrency.js';
import type { CopyProgressEvent } from './copy-types.js';

/** A blob to copy, with a version and artifact that hold it, for messages. */
export interface LabelledBlob extends BlobRef {
  label: string;
}

/**
 * Streams each blob from the source into the destination, `concurrency` at a time, never holding
 * one whole: the bytes are verified against the digest as they flow (a mismatch fails the write,
 * so nothing is stored under the key) and the stored size is checked after. Memory is bounded by
 * `concurrency` times what one upload of the destination's backend buffers (S3: queueSize x partSize).
 */
export async function copyBlobs(
  source: RegistryParts,
  destination: RegistryParts,
  blobs: readonly LabelledBlob[],
  concurrency: number,
  onProgress: ((event: CopyProgressEvent) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<number> {
  const sent = await mapBounded(blobs, concurrency, signal, async (blob, blobSignal) => {
    onProgress?.({ type: 'artifact-start', artifact: blob.digest, size: blob.size });
    const body = await source.blobs.open(blob, blob.label, { signal: blobSignal });
    try {
      const stored = await destination.blobs.upload(blob, body, { signal: blobSignal, onBytes: reportBytes(onProgress, blob.digest, blob.size) });
      onProgress?.({ type: 'artifact-done', artifact: blob.digest, size: blob.size, transferredBytes: stored.uploadedBytes });
      return stored.uploadedBytes;
    } finally {
      body.destroy(); // ends the source read if the upload stopped early
    }
  });
  return sent.reduce((sum, bytes) => sum + bytes, 0);
}
