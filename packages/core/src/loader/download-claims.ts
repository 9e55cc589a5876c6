import { join } from 'node:path';
import { withFileLock } from '../fs/file-lock.js';

/** A claim its holder has not refreshed for this long belongs to a process that died or hung: it is taken over. */
const STALE_CLAIM_MS = 10_000;
/** How often a waiting process looks whether the claim was released. */
const POLL_MS = 100;

/**
 * Lets one process on a host download a blob while the other processes sharing the cache folder
 * wait for it instead of downloading the same bytes (two cold functions starting together would
 * otherwise each get half the bandwidth). A claim is a file lock in `tmp/`. Taken over while still
 * downloading (a stall past STALE_CLAIM_MS), both finish and the first publish wins: claims only
 * save bandwidth, publishing a blob is safe without them.
 */
export class DownloadClaims {
  constructor(private readonly tmp: string) {}

  /** Runs `work` once no other process holds the claim on `name`; waits (abortably) while one does. */
  withClaim<T>(name: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return withFileLock(join(this.tmp, `${name}.claim`), work, { staleMs: STALE_CLAIM_MS, pollMs: { min: POLL_MS, max: POLL_MS }, signal });
  }
}
