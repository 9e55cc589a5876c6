import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, PreconditionFailedError } from '../errors.js';
import type { Digest } from '../format/digest.js';
import type { KeyScheme, ModelName } from '../format/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import { waitForGcRuns, writeAndStamp } from './gc-runs.js';

/**
 * A lease not refreshed for this long belongs to a push that crashed or stalled: gc no longer counts
 * its digests. A constant of the protocol, so every client and every gc agree whatever their settings.
 */
export const PUSH_LEASE_TTL_MS = 10 * 60_000;
/** Stores keep whole-second timestamps and clocks drift: a lease's refreshes stay this far inside its time to live. */
export const LEASE_SAFETY_MS = 60_000;
/**
 * Commit records and abandoned leases stay this long after their last write, and only gc removes
 * them: a gc that was marking while a write committed finds in them the lines to list again. A
 * constant of the protocol; a gc whose marking takes longer than this (less a lease's life) deletes nothing.
 */
export const WRITE_RECORDS_KEPT_MS = 6 * 60 * 60_000;

/**
 * A push's lease on the blobs its manifest will reference and on the model lines it commits into.
 * Written before the push checks which blobs exist and refreshed while it runs. Once the write may
 * have committed, a commit record naming the lines replaces it. A gc treats the digests of every
 * live lease as referenced and lists again the lines of every write that finished (or was
 * abandoned) since it began marking; a push waits for any gc deleting at the time it wrote its
 * lease. docs/gc.md has the argument.
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
    private readonly commitRecordKey: string,
    private readonly lines: ModelName[],
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
  static async acquire(
    store: ObjectStore,
    keys: KeyScheme,
    digests: readonly Digest[],
    lines: readonly ModelName[],
    signal: AbortSignal | undefined,
  ): Promise<PushLease> {
    const id = randomUUID();
    const document: PushLeaseDocument = { schemaVersion: 2, digests: [...new Set(digests)].sort(), lines: distinctLines(lines), startedAt: new Date().toISOString() };
    const body = Buffer.from(JSON.stringify(document));
    const start = performance.now();
    const { etag, storeTime } = await writeAndStamp(store, keys.pushLeaseKey(id), body, signal);
    const lease = new PushLease(store, keys.pushLeaseKey(id), keys.commitRecordKey(id), document.lines, body, etag, start);
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

  /** Removes the lease of a write that committed nothing. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.writes.catch(() => {});
    await this.store.delete([this.key]).catch(() => {}); // a leftover lease only delays gc until it goes stale
  }

  /**
   * Replaces the lease with a commit record, once the write may have committed: the record first,
   * so one of the two always names the lines. If the record cannot be written the lease stays and
   * goes stale, which gc treats alike (it lists the lines of abandoned leases again too).
   */
  async finish(): Promise<void> {
    clearInterval(this.timer);
    await this.writes.catch(() => {});
    const record: CommitRecord = { schemaVersion: 1, lines: this.lines, finishedAt: new Date().toISOString() };
    try {
      await this.store.put(this.commitRecordKey, Buffer.from(JSON.stringify(record)), { contentType: 'application/json' });
    } catch {
      return;
    }
    await this.store.delete([this.key]).catch(() => {});
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

/** What a lease object holds (docs/gc.md). Schema version 1 leases, of older clients, have no lines. */
export interface PushLeaseDocument {
  schemaVersion: 2;
  digests: Digest[];
  /** The model lines the write commits versions into. */
  lines: ModelName[];
  startedAt: string;
}

/** Left by a write that may have committed versions into these lines (docs/gc.md). */
export interface CommitRecord {
  schemaVersion: 1;
  lines: ModelName[];
  finishedAt: string;
}

function distinctLines(lines: readonly ModelName[]): ModelName[] {
  const byKey = new Map(lines.map(({ store, product, type }) => [JSON.stringify([store, product, type]), { store, product, type }]));
  return [...byKey.values()];
}
