import { PreconditionFailedError } from '../errors.js';
import { readDocument } from '../store/read-document.js';
import type { RegistryParts } from '../registry/parts.js';
import { mapBounded } from '../util/concurrency.js';
import type { PendingVersion } from './copy-plan.js';
import type { CopyConflict } from './copy-types.js';

export type CommitOutcome = 'copied' | 'unchanged' | 'conflict';

export interface CommittedVersions {
  copied: PendingVersion[];
  /** Written by someone else meanwhile, with the same bytes. */
  unchanged: string[];
  conflicts: CopyConflict[];
}

/**
 * Writes a manifest's exact bytes under its own version number, create-only: the version exists at
 * the destination from this moment. A manifest already there is never overwritten: the same bytes
 * mean it was copied before, other bytes are a conflict (e.g. a push at the destination took the number).
 */
export async function createManifest(destination: RegistryParts, pending: PendingVersion, signal: AbortSignal | undefined): Promise<CommitOutcome> {
  const key = destination.keys.manifestKey(pending.name, pending.version);
  try {
    await destination.store.put(key, pending.bytes, { ifNoneMatch: '*', contentType: 'application/json', signal });
    return 'copied';
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
    const there = await readDocument(destination.store, key, signal);
    return there?.bytes.equals(pending.bytes) ? 'unchanged' : 'conflict';
  }
}

/**
 * Commits the pending versions, each after the pending versions it depends on, so a reader at the
 * destination never sees a version whose dependency is not there yet. A version that depends on a
 * version in conflict is not copied: at the destination its dependency would be another model.
 */
export async function commitVersions(
  pending: readonly PendingVersion[],
  conflictsBefore: readonly CopyConflict[],
  create: (version: PendingVersion, signal: AbortSignal) => Promise<CommitOutcome>,
  concurrency: number,
  signal: AbortSignal | undefined,
): Promise<CommittedVersions> {
  const result: CommittedVersions = { copied: [], unchanged: [], conflicts: [] };
  const failed = new Set(conflictsBefore.map((conflict) => conflict.ref));
  const waiting = new Set(pending.map((version) => version.ref));
  const dependenciesOf = (version: PendingVersion) => version.manifest.dependencies.map((dependency) => dependency.ref);
  let remaining = [...pending];
  while (remaining.length > 0) {
    const ready = remaining.filter((version) => dependenciesOf(version).every((ref) => !waiting.has(ref)));
    // Only hand-made manifests can depend on each other in a cycle: commit those as they are.
    const wave = ready.length > 0 ? ready : remaining;
    remaining = remaining.filter((version) => !wave.includes(version));
    await mapBounded(wave, concurrency, signal, async (version, versionSignal) => {
      const blocker = dependenciesOf(version).find((ref) => failed.has(ref));
      const outcome = blocker === undefined ? await create(version, versionSignal) : 'conflict';
      waiting.delete(version.ref);
      if (outcome === 'copied') result.copied.push(version);
      else if (outcome === 'unchanged') result.unchanged.push(version.ref);
      else {
        failed.add(version.ref);
        const reason = blocker === undefined ? 'the destination holds a different manifest under this version number' : `depends on ${blocker}, which was not copied`;
        result.conflicts.push({ ref: version.ref, reason });
      }
    });
  }
  return result;
}
