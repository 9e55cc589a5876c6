import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import { throwIfAborted } from '../errors.js';

/** A claim its holder has not refreshed for this long belongs to a process that died or hung: it is taken over. */
const STALE_CLAIM_MS = 10_000;
/** How often a waiting process looks whether the claim was released. */
const POLL_MS = 100;

/**
 * Lets one process on a host download a blob while the other processes sharing the cache folder
 * wait for it instead of downloading the same bytes (two cold functions starting together would
 * otherwise each get half the bandwidth). A claim is a lock folder in `tmp/` whose mtime the holder
 * refreshes; proper-lockfile handles the refresh and the take-over of a stale claim. Claims only
 * save bandwidth: publishing a blob is safe without them.
 */
export class DownloadClaims {
  constructor(private readonly tmp: string) {}

  /** Runs `work` once no other process holds the claim on `name`; waits (abortably) while one does. */
  async withClaim<T>(name: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(join(this.tmp, `${name}.claim`), signal);
    try {
      return await work();
    } finally {
      await release().catch(() => {}); // already taken over as stale: nothing left to release
    }
  }

  private async acquire(claim: string, signal: AbortSignal | undefined): Promise<() => Promise<void>> {
    await mkdir(this.tmp, { recursive: true });
    for (;;) {
      throwIfAborted(signal);
      try {
        return await lockfile.lock(claim, {
          realpath: false,
          lockfilePath: claim,
          stale: STALE_CLAIM_MS,
          retries: 0,
          // Taken over while still downloading (a stall past STALE_CLAIM_MS): both finish, the first publish wins.
          onCompromised: () => {},
        });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      }
      await sleep(POLL_MS, undefined, signal ? { signal } : {}).catch(() => throwIfAborted(signal));
    }
  }
}
