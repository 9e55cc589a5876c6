import { ConflictError } from '../errors.js';
import type { Digest } from '../format/digest.js';
import type { ObjectStore } from '../store/object-store.js';
import type { KeyScheme, ModelName } from '../format/keys.js';
import { DEFAULT_SWEEP_WINDOW_MS, GcRun, listGcRuns } from './gc-runs.js';
import { CatalogKeys } from '../catalog/catalog-format.js';
import { pruneCatalog } from '../catalog/catalog-prune.js';
import { type CatalogSource, CatalogScan } from '../catalog/catalog-scan.js';
import type { UnreadableEntry } from '../catalog/manifest-source.js';
import { SeenManifests } from '../catalog/seen-manifests.js';
import { LEASE_SAFETY_MS, PUSH_LEASE_TTL_MS, WRITE_RECORDS_KEPT_MS } from './push-lease.js';
import { scanWrites } from './write-scan.js';
import { mapBounded } from '../util/concurrency.js';
import { BlobTable, type ListedBlob } from './blob-table.js';

export interface GcOptions {
  /** Report what would be deleted without deleting. @default true */
  dryRun?: boolean;
  /** Unreferenced blobs younger than this are kept. @default the registry's gcGracePeriodMs */
  gracePeriodMs?: number;
  /**
   * How long the deleting phase may last; pushes that start meanwhile wait for it to end (not for
   * the whole gc). What is left is deleted by the next run. @default 120_000
   */
  sweepWindowMs?: number;
  signal?: AbortSignal;
  /**
   * In a dry run, receives each entry under models/ that is not a valid v2 manifest, and the report
   * goes on without it. A real run never does: it refuses to delete while such entries exist, since
   * they might reference blobs.
   */
  onUnreadable?: ((entry: UnreadableEntry) => void) | undefined;
}

export interface GcReport {
  dryRun: boolean;
  /** Blobs in the store when the collection started. */
  scannedBlobs: number;
  /** Distinct digests referenced by some manifest or by a push in progress. */
  referencedBlobs: number;
  /** Unreferenced but younger than the grace period (e.g. a push in progress). */
  keptYoungBlobs: number;
  /** Deleted (or, in a dry run, deletable) blobs and their bytes. */
  deletedBlobs: number;
  freedBytes: number;
  deleted: Digest[];
  /**
   * Incomplete writes removed (or, in a dry run, removable): crashed multipart uploads older than the
   * grace period (not for a blob a live push holds), temp files older than that and than a push lease lasts (10 minutes).
   */
  removedIncompleteWrites: number;
  removedIncompleteBytes: number;
}

const DELETE_BATCH = 1000;

/**
 * Mark and sweep, safe beside concurrent pushes whatever their timing (docs/gc.md): blobs and
 * manifests are listed first; then the gc announces itself, counts the digests of live push leases
 * as referenced, lists again the lines of leases that settled meanwhile (reading only manifests the
 * first pass did not see), and deletes unreferenced blobs older than the grace period until its
 * sweep window closes.
 */
export async function collectGarbage(source: CatalogSource & { gracePeriodMs: number }, options: GcOptions = {}): Promise<GcReport> {
  const dryRun = options.dryRun ?? true;
  const grace = options.gracePeriodMs ?? source.gracePeriodMs;
  const { store, keys } = source;
  const { signal } = options;
  const onUnreadable = dryRun ? options.onUnreadable : undefined;

  const blobs = await BlobTable.list(store, keys, signal);
  // Referenced digests that were not listed (stored since the listing, or missing): counted, never deletable.
  const unlisted = new Set<Digest>();
  const reference = (digest: Digest) => {
    if (!blobs.markReferenced(digest)) unlisted.add(digest);
  };
  // A summary counts only while the listing shows the etag it was made from (docs/catalog.md), so a
  // stale snapshot can never hide a reference. A real run leaves a snapshot of what it read.
  const seen = new SeenManifests();
  const markStart = performance.now();
  const firstPass = new CatalogScan(source, { signal, write: !dryRun, record: seen, onUnreadable });
  for await (const { artifacts } of firstPass.summaries()) {
    for (const artifact of artifacts) reference(artifact.digest);
  }

  const run = dryRun ? undefined : await GcRun.announce(store, keys, options.sweepWindowMs ?? DEFAULT_SWEEP_WINDOW_MS, signal);
  try {
    const now = run?.startedAt ?? Date.now();
    // The store's clock when marking began, never later: the marker's timestamp less all the time since.
    const markedSince = now - (performance.now() - markStart) - LEASE_SAFETY_MS;
    const writes = await scanWrites(store, keys, { now, markedSince, removeOld: !dryRun, signal });
    if (run) assertMarkedInTime(markStart);
    const leased = new Set(writes.liveDigests);
    for (const digest of leased) reference(digest);
    // Writes that committed since the first pass began: their commit records (or abandoned leases)
    // name the lines to list again. Skipped: what the first pass saw (same key and etag); the rest
    // is read. Many lines are scanned at once, each reading one manifest at a time, so the requests
    // in flight stay within the registry's concurrency.
    const secondPass = async (scanSource: CatalogSource, prefix: string | undefined, scanSignal: AbortSignal | undefined) => {
      const scan = new CatalogScan(scanSource, { prefix, signal: scanSignal, skip: seen, onUnreadable: onUnreadable && (() => undefined) });
      for await (const { artifacts } of scan.summaries()) {
        for (const artifact of artifacts) reference(artifact.digest);
      }
    };
    if (writes.listEverything) await secondPass(source, undefined, signal);
    else {
      const oneAtATime = { ...source, concurrency: 1 };
      await mapBounded(distinctPrefixes(keys, writes.linesToList), source.concurrency, signal, (prefix, scanSignal) => secondPass(oneAtATime, prefix, scanSignal));
    }

    const report: GcReport = {
      dryRun,
      scannedBlobs: blobs.size,
      referencedBlobs: blobs.referencedCount + unlisted.size,
      keptYoungBlobs: 0,
      deletedBlobs: 0,
      freedBytes: 0,
      deleted: [],
      removedIncompleteWrites: 0,
      removedIncompleteBytes: 0,
    };
    let batch: ListedBlob[] = [];
    const sweep = async () => {
      if (run && batch.length > 0) {
        if (!run.mayDelete) {
          throw new ConflictError(
            `Garbage collection deleted ${report.deletedBlobs} blobs before its sweep window (${run.sweepWindowMs} ms) closed; run it again for the rest.`,
          );
        }
        await store.delete(batch.map((blob) => blob.key), { signal });
      }
      for (const blob of batch) {
        report.deletedBlobs++;
        report.freedBytes += blob.size;
        report.deleted.push(blob.digest);
      }
      batch = [];
    };
    for (const blob of blobs.unreferenced()) {
      if (blob.lastModified >= now - grace) {
        report.keptYoungBlobs++;
        continue;
      }
      batch.push(blob);
      if (batch.length === DELETE_BATCH) await sweep();
    }
    await sweep();
    // A live push may hold one: an upload of a blob its lease names is skipped; a write whose key is
    // unknown (a staged file waiting for its commit) is a leftover only once older than any live lease.
    for await (const write of store.listIncompleteWrites?.(keys.rootPrefix(), { signal }) ?? []) {
      const age = now - write.startedAt.getTime();
      if (write.key === undefined ? age <= Math.max(grace, PUSH_LEASE_TTL_MS) : age <= grace || isLeasedBlob(keys, write.key, leased)) continue;
      if (run) await store.removeIncompleteWrite!(write, { signal });
      report.removedIncompleteWrites++;
      report.removedIncompleteBytes += write.size;
    }
    if (run) {
      await removeExpiredRuns(store, keys, now, signal);
      await pruneCatalog(store, new CatalogKeys(keys), now, signal);
    }
    return report;
  } finally {
    await run?.end();
  }
}

/**
 * Commit records and abandoned leases are kept `WRITE_RECORDS_KEPT_MS`; a gc that took longer than
 * that, less a lease's life, from its first listing to its reading of them may have missed one, so it deletes nothing.
 */
function assertMarkedInTime(markStart: number): void {
  const limit = WRITE_RECORDS_KEPT_MS - PUSH_LEASE_TTL_MS - LEASE_SAFETY_MS;
  const took = performance.now() - markStart;
  if (took >= limit) {
    throw new ConflictError(
      `Garbage collection took ${Math.round(took / 60_000)} minutes to mark, longer than the ${Math.round(limit / 60_000)} its protocol allows, and deleted nothing. Run it again: the catalog snapshot it wrote makes the next run faster.`,
    );
  }
}

/** The folders of the given lines, once each. */
function distinctPrefixes(keys: KeyScheme, lines: readonly ModelName[]): string[] {
  return [...new Set(lines.map((line) => keys.namePrefix(line)))].sort();
}

function isLeasedBlob(keys: KeyScheme, key: string, leased: ReadonlySet<Digest>): boolean {
  try {
    const parsed = keys.parse(key);
    return parsed.kind === 'blob' && leased.has(parsed.digest);
  } catch {
    return false;
  }
}

/** Markers of gcs that crashed, long past their window. */
async function removeExpiredRuns(store: ObjectStore, keys: KeyScheme, now: number, signal: AbortSignal | undefined): Promise<void> {
  const expired = (await listGcRuns(store, keys, signal)).filter((run) => run.expiresAt < now).map((run) => run.key);
  if (expired.length > 0) await store.delete(expired, { signal });
}
