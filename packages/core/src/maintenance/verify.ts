import { mapBounded } from '../util/concurrency.js';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Digest } from '../format/digest.js';
import { IntegrityError, NotFoundError } from '../errors.js';
import { formatRef } from '../format/refs.js';
import type { Manifest } from '../format/manifest.js';
import { type CatalogSource, CatalogScan } from '../catalog/catalog-scan.js';
import type { UnreadableEntry } from '../catalog/manifest-source.js';

export interface VerifyReport {
  checkedBlobs: number;
  /** Referenced by a manifest but absent from the store. */
  missing: Array<{ digest: Digest; referencedBy: string[] }>;
  /** Present, but the bytes do not hash to the digest or have the wrong size. */
  corrupt: Array<{ digest: Digest; problem: string; referencedBy: string[] }>;
  /** Entries under models/ that are not valid v2 manifests: their blobs could not be checked. */
  unreadable: UnreadableEntry[];
  ok: boolean;
}

/**
 * Re-hashes blobs: those of the given manifests, or, with none given, every blob in the store
 * plus every blob any manifest references. Reads each blob once, streamed, with bounded concurrency.
 */
export async function verifyBlobs(
  source: CatalogSource & { blobs: BlobStore },
  manifests: Manifest[] | undefined,
  signal?: AbortSignal,
): Promise<VerifyReport> {
  const report: VerifyReport = { checkedBlobs: 0, missing: [], corrupt: [], unreadable: [], ok: true };
  const expected = new Map<Digest, { size: number | undefined; referencedBy: string[] }>();
  const reference = (ref: string, artifacts: ReadonlyArray<{ name: string; digest: Digest; size: number }>) => {
    for (const artifact of artifacts) {
      const entry = expected.get(artifact.digest) ?? { size: artifact.size, referencedBy: [] };
      entry.size = artifact.size;
      entry.referencedBy.push(`${ref}:${artifact.name}`);
      expected.set(artifact.digest, entry);
    }
  };
  if (manifests) {
    for (const manifest of manifests) reference(formatRef(manifest), manifest.artifacts);
  } else {
    const scan = new CatalogScan(source, { signal, onUnreadable: (entry) => report.unreadable.push(entry) });
    for await (const { name, version, artifacts } of scan.summaries()) reference(formatRef({ ...name, version }), artifacts);
    for await (const entry of source.store.list(source.keys.blobsPrefix(), { signal })) {
      if (entry.type !== 'object') continue;
      const parsed = source.keys.parse(entry.key);
      if (parsed.kind === 'blob' && !expected.has(parsed.digest)) expected.set(parsed.digest, { size: entry.size, referencedBy: [] });
    }
  }

  await mapBounded([...expected], source.concurrency, signal, async ([digest, { size, referencedBy }], blobSignal) => {
    report.checkedBlobs++;
    try {
      const blobSize = size ?? (await source.blobs.head(digest, { signal: blobSignal }))?.size ?? 0;
      const stream = await source.blobs.open({ digest, size: blobSize }, `blob ${digest}`, { signal: blobSignal });
      await pipeline(stream, async (chunks: AsyncIterable<Buffer>) => {
        for await (const _ of chunks); // the verifying stream checks digest and size at the end
      });
    } catch (error) {
      if (error instanceof NotFoundError) report.missing.push({ digest, referencedBy });
      else if (error instanceof IntegrityError) report.corrupt.push({ digest, problem: error.message, referencedBy });
      else throw error;
    }
  });
  report.missing.sort((a, b) => a.digest.localeCompare(b.digest));
  report.corrupt.sort((a, b) => a.digest.localeCompare(b.digest));
  report.ok = report.missing.length === 0 && report.corrupt.length === 0;
  return report;
}
