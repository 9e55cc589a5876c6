import { mapBounded } from '../util/concurrency.js';
import type { Digest } from '../format/digest.js';
import { ConflictError } from '../errors.js';
import { type ManifestScan, scanManifests } from './manifest-scan.js';

export interface GcOptions {
  /** Report what would be deleted without deleting. @default true */
  dryRun?: boolean;
  /** Unreferenced blobs younger than this are kept. @default the registry's gcGracePeriodMs */
  gracePeriodMs?: number;
  signal?: AbortSignal;
}

export interface GcReport {
  dryRun: boolean;
  /** Blobs in the store when the collection started. */
  scannedBlobs: number;
  /** Distinct digests referenced by some manifest. */
  referencedBlobs: number;
  /** Unreferenced but younger than the grace period (e.g. a push in progress). */
  keptYoungBlobs: number;
  /** Deleted (or, in a dry run, deletable) blobs and their bytes. */
  deletedBlobs: number;
  freedBytes: number;
  deleted: Digest[];
}

/**
 * Mark and sweep. Blobs are listed first, then every manifest is read (mark); a blob is deleted
 * only if no manifest references it and it is older than the grace period when re-checked just
 * before its deletion. A push touches the old blobs it reuses, and a sweep stops once it has run
 * for a quarter of the grace period, so a push that finishes within a quarter of the grace period
 * cannot lose a blob; the one window left is a push that reuses a blob in the instant between
 * this re-check and the delete (closing it needs conditional deletes, which not every store has).
 */
export async function collectGarbage(source: ManifestScan & { gracePeriodMs: number }, options: GcOptions = {}): Promise<GcReport> {
  const dryRun = options.dryRun ?? true;
  const grace = options.gracePeriodMs ?? source.gracePeriodMs;
  const { signal } = options;
  const started = Date.now();

  const blobs = new Map<Digest, { key: string; size: number; lastModified: Date }>();
  for await (const entry of source.store.list(source.keys.blobsPrefix(), { signal })) {
    if (entry.type !== 'object') continue;
    const parsed = source.keys.parse(entry.key);
    if (parsed.kind === 'blob') blobs.set(parsed.digest, { key: entry.key, size: entry.size, lastModified: entry.lastModified });
  }

  const referenced = new Set<Digest>();
  for await (const manifest of scanManifests(source, { signal })) {
    for (const artifact of manifest.artifacts) referenced.add(artifact.digest);
  }

  const isOld = (lastModified: Date) => Date.now() - lastModified.getTime() > grace;
  const unreferenced = [...blobs].filter(([digest]) => !referenced.has(digest));
  const candidates = unreferenced.filter(([, blob]) => isOld(blob.lastModified));
  const report: GcReport = {
    dryRun,
    scannedBlobs: blobs.size,
    referencedBlobs: referenced.size,
    keptYoungBlobs: unreferenced.length - candidates.length,
    deletedBlobs: 0,
    freedBytes: 0,
    deleted: [],
  };

  await mapBounded(candidates, source.concurrency, signal, async ([digest, blob], blobSignal) => {
    if (!dryRun) {
      if (Date.now() - started > grace / 4) {
        throw new ConflictError(`Garbage collection ran longer than a quarter of the grace period (${grace} ms); stopped before deleting more. Run it again.`);
      }
      // A push may have reused and touched the blob since it was listed: re-check right before deleting.
      const current = await source.store.head(blob.key, { signal: blobSignal });
      if (!current || !isOld(current.lastModified)) return;
      await source.store.delete([blob.key], { signal: blobSignal });
    }
    report.deletedBlobs++;
    report.freedBytes += blob.size;
    report.deleted.push(digest);
  });
  report.deleted.sort();
  return report;
}
