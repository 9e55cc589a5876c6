import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, PreconditionFailedError } from '../errors.js';
import type { Digest } from '../format/digest.js';
import type { KeyScheme } from '../format/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import { waitForGcRuns, writeAndStamp } from './gc-runs.js';

/**
 * A lease not refreshed for this long belongs to a push that crashed or stalled: gc removes it. A
 * constant of the protocol, so every client and every gc agree whatever their settings.
 */
export const PUSH_LEASE_TTL_MS = 10 * 60_000;
/** Stores keep whole-second timestamps and clocks drift: a lease's refreshes stay this far inside its time to live. */
const LEASE_SAFETY_MS = 60_000;

/**
 * A push's lease on the blobs its manifest will reference. Written before the push checks which
 * blobs exist, refreshed while it runs, removed after the manifest is committed. A gc treats the
 * digests of every live lease as referenced, and a push waits for any gc deleting at the time it
 * wrote its lease; docs/gc.md has the argument.
 */
export class PushLease {
  private etag: string;
  /** Local monotonic start of the last write that landed: the lease is live at least `ttl` from there. */
  private lastWriteStart: number;
  /** The longest stretch between the start of one landed write and the landing of the next. */
  private longestGap = 0;
  private writes: Promise<unknown> = Promise.resolve();
  private lost: Error | undefined;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly store: ObjectStore,
    private readonly key: string,
    private readonly body: Buffer,
    etag: string,
    writeStart: number,
  ) {
    this.etag = etag;
    this.lastWriteStart = writeStart;
    this.timer = setInterval(() => void this.refresh().catch(() => {}), PUSH_LEASE_TTL_MS / 4);
    this.timer.unref();
  }

  /** Writes the lease, then waits until no gc that may not have seen it is still deleting. */
  static async acquire(store: ObjectStore, keys: KeyScheme, digests: readonly Digest[], signal: AbortSignal | undefined): Promise<PushLease> {
    const key = `${keys.pushLeasesPrefix()}${randomUUID()}.json`;
    const body = Buffer.from(JSON.stringify({ schemaVersion: 1, digests: [...new Set(digests)].sort(), startedAt: new Date().toISOString() }));
    const start = performance.now();
    const { etag, storeTime } = await writeAndStamp(store, key, body, signal);
    const lease = new PushLease(store, key, body, etag, start);
    const written = performance.now();
    try {
      // The lease's own timer keeps it live while this waits.
      await waitForGcRuns(store, keys, () => storeTime + (performance.now() - written), signal);
      return lease;
    } catch (error) {
      await lease.release();
      throw error;
    }
  }

  /**
   * Refreshes the lease right before the manifest is committed. Fails with `ConflictError` when the
   * lease was lost or went longer than its time to live without a refresh (a gc may have taken it
   * for abandoned): the caller then commits nothing.
   */
  async confirm(signal: AbortSignal | undefined): Promise<void> {
    await this.refresh(signal);
    if (this.longestGap >= PUSH_LEASE_TTL_MS - LEASE_SAFETY_MS) this.lost = this.lostError();
    if (this.lost) throw this.lost;
  }

  /** Whether the lease has stayed live without a gap until now; asked right after the commit landed. */
  heldUntilNow(): boolean {
    return this.longestGap < PUSH_LEASE_TTL_MS - LEASE_SAFETY_MS && performance.now() - this.lastWriteStart < PUSH_LEASE_TTL_MS - LEASE_SAFETY_MS;
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.writes.catch(() => {});
    await this.store.delete([this.key]).catch(() => {}); // a leftover lease only delays gc until it goes stale
  }

  /** Rewrites the lease (compare-and-swap on its etag). */
  private refresh(signal?: AbortSignal): Promise<void> {
    const write = this.writes.then(async () => {
      if (this.lost) throw this.lost;
      const start = performance.now();
      try {
        const { etag } = await this.store.put(this.key, this.body, { ifMatch: this.etag, contentType: 'application/json', signal });
        this.longestGap = Math.max(this.longestGap, performance.now() - this.lastWriteStart);
        this.etag = etag;
        this.lastWriteStart = start;
      } catch (error) {
        if (error instanceof PreconditionFailedError || error instanceof NotFoundError) this.lost = this.lostError();
        throw this.lost ?? error;
      }
    });
    this.writes = write.catch(() => {});
    return write;
  }

  private lostError(): ConflictError {
    return new ConflictError(
      `The push stalled for longer than its lease lasts (${PUSH_LEASE_TTL_MS} ms), so a garbage collection may have taken it for abandoned. Nothing was committed; push again.`,
      { key: this.key },
    );
  }
}
