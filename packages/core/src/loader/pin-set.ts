import type { Digest } from '../format/digest.js';
import type { LoaderWarning } from './options.js';
import type { PinLeases } from './pin-leases.js';

interface Pin {
  /** `store/product/type@version` of the pinned folder's version. */
  ref: string;
  count: number;
  digests: Digest[];
}

/**
 * The version folders a loader holds, each pinned from a load until that load's `release()`;
 * pins count, so two loads need two releases. Kept in memory and in the loader's lease file,
 * which loaders in other processes respect.
 */
export class PinSet {
  private readonly pins = new Map<string, Pin>();

  constructor(
    private readonly leases: PinLeases,
    private readonly onWarning: LoaderWarning,
  ) {}

  /** Pins the folder `key` (of version `ref`, holding `digests`); resolves to its release function once the lease is written. */
  async pin(key: string, ref: string, digests: Digest[]): Promise<() => void> {
    const pin = this.pins.get(key) ?? { ref, count: 0, digests };
    pin.count++;
    this.pins.set(key, pin);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      if (--pin.count > 0 || this.pins.get(key) !== pin) return; // still held, or already dropped by clear()
      this.pins.delete(key);
      // A lease a little longer than needed only delays an eviction: no need to wait, nor to fail.
      this.leases.update(this.digests()).catch((error: unknown) => this.onWarning(`Updating the loader's pin lease failed: ${(error as Error).message}`, error));
    };
    if (pin.count === 1) {
      try {
        await this.leases.update(this.digests());
      } catch (error) {
        release();
        throw error;
      }
    }
    return release;
  }

  digests(): Set<Digest> {
    return new Set([...this.pins.values()].flatMap((pin) => pin.digests));
  }

  /** The versions held, each once. */
  refs(): string[] {
    return [...new Set([...this.pins.values()].map((pin) => pin.ref))];
  }

  /** Drops every pin and removes the lease once pending lease writes are done. */
  async clear(): Promise<void> {
    this.pins.clear();
    await this.leases.update([]);
  }
}
