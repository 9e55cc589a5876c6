import { UnsafeStoreError } from '../errors.js';
import type { ObjectStore, StoreCapabilities } from '../store/object-store.js';

/**
 * Refuses writes on a store that does not enforce conditional writes (version allocation and
 * aliases depend on them); probes the live service once, and again after a failed probe.
 */
export class WriteGuard {
  private verified: Promise<StoreCapabilities> | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly allowUnsafeStore: boolean,
  ) {}

  async assertSafe(signal: AbortSignal | undefined): Promise<void> {
    if (this.allowUnsafeStore) return;
    this.verified ??= this.store.verifyCapabilities
      ? this.store.verifyCapabilities({ signal }).catch((error: unknown) => {
          this.verified = undefined;
          throw error;
        })
      : Promise.resolve(this.store.capabilities);
    if (!(await this.verified).conditionalWrites) {
      throw new UnsafeStoreError(
        `${this.store.description} does not enforce conditional writes, so concurrent pushes could overwrite each other's versions and aliases. ` +
          'Use a store that does, or set allowUnsafeStore: true if only one writer ever pushes.',
      );
    }
  }
}
