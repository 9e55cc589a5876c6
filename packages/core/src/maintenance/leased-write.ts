import { ConflictError } from '../errors.js';
import type { Digest } from '../format/digest.js';
import type { KeyScheme, ModelName } from '../format/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import { PushLease } from './push-lease.js';

/** The steps of a write that commits documents referencing blobs (a push, a copy between registries). */
export interface LeasedWriteSteps<T> {
  /** Stores every blob that is missing; called once the lease is held and no gc is deleting. */
  storeBlobs(signal: AbortSignal | undefined): Promise<void>;
  /** Writes the documents that reference the blobs (the commit point). */
  commit(): Promise<T>;
  /** Stores every blob again where it is missing, after a stall; fails when the bytes are no longer at hand. */
  storeAgain(signal: AbortSignal | undefined): Promise<void>;
  /** Removes what `commit` wrote, when a blob it needs could not be restored. */
  withdraw(committed: T): Promise<void>;
  /** What is withdrawn, for the error message, e.g. `shop/sales/xgb@3`. */
  describe(committed: T): string;
}

/** What a leased write covers: the blobs its documents reference and the model lines it commits into. */
export interface LeaseScope {
  digests: readonly Digest[];
  lines: readonly ModelName[];
}

/**
 * The writer's side of the gc protocol (docs/gc.md): a lease on the scope is written before blobs
 * are checked, confirmed right before the commit, and marked finished after it (a gc that marked
 * meanwhile lists its lines again). When the commit landed after the lease could have gone stale
 * (the process stalled), a gc may have deleted a blob in between: under a new lease every blob is
 * stored again where it is missing, and when that is impossible the commit is withdrawn and never
 * reported.
 */
export async function writeUnderLease<T>(
  store: ObjectStore,
  keys: KeyScheme,
  scope: LeaseScope,
  steps: LeasedWriteSteps<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  const lease = await PushLease.acquire(store, keys, scope.digests, scope.lines, signal);
  // Once the commit has begun some documents may have landed, even if it fails: the lease then
  // stays, finished, for gc; before that there is nothing to find and it is removed.
  let committing = false;
  try {
    await steps.storeBlobs(signal);
    await lease.confirm(signal);
    committing = true;
    const committed = await steps.commit();
    if (!lease.heldUntilNow()) await restoreAfterStall(store, keys, scope, steps, committed, signal);
    return committed;
  } finally {
    await (committing ? lease.finish() : lease.release());
  }
}

async function restoreAfterStall<T>(
  store: ObjectStore,
  keys: KeyScheme,
  scope: LeaseScope,
  steps: LeasedWriteSteps<T>,
  committed: T,
  signal: AbortSignal | undefined,
): Promise<void> {
  const lease = await PushLease.acquire(store, keys, scope.digests, scope.lines, signal);
  try {
    await steps.storeAgain(signal);
  } catch (error) {
    await steps.withdraw(committed);
    throw new ConflictError(`${steps.describe(committed)} was withdrawn: the write stalled past its lease and a blob it needs is gone (${(error as Error).message}). Run it again.`, {
      cause: error,
    });
  } finally {
    await lease.finish();
  }
}
