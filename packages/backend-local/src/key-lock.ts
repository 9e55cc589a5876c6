import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { withFileLock } from '@modelreg/core/backend';

/** A lock older than this without a heartbeat belongs to a crashed process and is taken over. */
const STALE_LOCK_MS = 10_000;

/**
 * Per-key mutual exclusion across processes on one machine. Held only for the check-and-rename
 * of a write, never while bytes move, so waiters poll often (2 ms, growing to 50 ms).
 */
export class KeyLocks {
  constructor(private readonly folder: string) {}

  withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const path = join(this.folder, `${createHash('sha256').update(key).digest('hex')}.lock`);
    return withFileLock(path, work, { staleMs: STALE_LOCK_MS, pollMs: { min: 2, max: 50 } });
  }
}
