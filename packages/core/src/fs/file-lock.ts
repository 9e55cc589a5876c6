import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { throwIfAborted } from '../errors.js';

export interface FileLockOptions {
  /** A lock its holder has not refreshed for this long belongs to a process that died or hung: it is taken over. */
  staleMs: number;
  /** First and longest wait between attempts while another process holds the lock (the wait grows by 1.2x). */
  pollMs: { min: number; max: number };
  signal?: AbortSignal | undefined;
}

/**
 * Runs `work` holding a cross-process lock at `path`: a lock folder created atomically with mkdir,
 * whose mtime proper-lockfile refreshes while held, so a crashed holder's lock goes stale and is
 * taken over. Waits (abortably) while another process holds it.
 */
export async function withFileLock<T>(path: string, work: () => Promise<T>, options: FileLockOptions): Promise<T> {
  const release = await acquire(path, options);
  try {
    return await work();
  } finally {
    await release().catch(() => {}); // already taken over as stale: nothing left to release
  }
}

async function acquire(path: string, { staleMs, pollMs, signal }: FileLockOptions): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true });
  // Loaded on first use, so importing modelreg (a serverless cold start) does not pay for it.
  const { default: lockfile } = await import('proper-lockfile');
  for (let wait = pollMs.min; ; wait = Math.min(pollMs.max, wait * 1.2)) {
    throwIfAborted(signal);
    try {
      return await lockfile.lock(path, {
        realpath: false,
        lockfilePath: path,
        stale: staleMs,
        retries: 0,
        // Callers keep their critical sections safe without the lock (an atomic rename, a verified
        // publish), so a lost heartbeat is not worth crashing the process for.
        onCompromised: () => {},
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    }
    await sleep(wait * (0.5 + Math.random()), undefined, signal ? { signal } : {}).catch(() => throwIfAborted(signal));
  }
}
