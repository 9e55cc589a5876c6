import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';

/** A lock older than this without a heartbeat belongs to a crashed process and is taken over. */
const STALE_LOCK_MS = 10_000;

/**
 * Per-key mutual exclusion across processes on one machine (a lock folder per key, created
 * atomically with mkdir). Held only for the check-and-rename of a write, never while bytes move.
 */
export class KeyLocks {
  constructor(private readonly folder: string) {}

  async withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    await mkdir(this.folder, { recursive: true });
    const target = join(this.folder, createHash('sha256').update(key).digest('hex'));
    const release = await lockfile.lock(target, {
      realpath: false,
      stale: STALE_LOCK_MS,
      retries: { retries: 1000, factor: 1.2, minTimeout: 2, maxTimeout: 50, randomize: true },
      // The critical section is a stat and a rename; if the heartbeat ever fails, the rename is still atomic.
      onCompromised: () => {},
    });
    try {
      return await work();
    } finally {
      await release().catch(() => {});
    }
  }
}
