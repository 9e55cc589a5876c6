import { LRUCache } from 'lru-cache';

/** How long a registry-wide or line-wide read is reused: one page view's requests, its paging and filtering share it. */
const RECENT_TTL_MS = 5_000;

/**
 * Reads that cost a listing of many objects (the model lines of a store, the versions of a line),
 * shared while in flight and reused for a few seconds. A version pushed meanwhile shows up within
 * `RECENT_TTL_MS`; a failed read is forgotten at once.
 */
export class RecentReads {
  readonly #reads = new LRUCache<string, Promise<unknown>>({ max: 64, ttl: RECENT_TTL_MS });

  get<T>(key: readonly unknown[], read: () => Promise<T>): Promise<T> {
    const id = JSON.stringify(key);
    let pending = this.#reads.get(id) as Promise<T> | undefined;
    if (!pending) {
      pending = read();
      this.#reads.set(id, pending);
      pending.catch(() => this.#reads.delete(id));
    }
    return pending;
  }
}
