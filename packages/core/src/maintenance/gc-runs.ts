import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { NotFoundError, throwIfAborted } from '../errors.js';
import type { KeyScheme } from '../format/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import { parseOptions } from '../util/parse-options.js';
import { readAll } from '../util/streams.js';

/** How long a gc may delete after it announced itself. @default 2 minutes */
export const DEFAULT_SWEEP_WINDOW_MS = 120_000;
/** A gc stops sending deletes this long before its window closes, so deletes in flight land inside it. */
const SWEEP_SEND_MARGIN_MS = 10_000;
/** Past its window, a crashed gc's marker is ignored after this much more (stores keep whole-second timestamps). */
const RUN_EXPIRY_MARGIN_MS = 5_000;
/** How often a push waiting for a gc looks again. */
const WAIT_POLL_MS = 250;

const runMarkerSchema = z.strictObject({ schemaVersion: z.literal(1), sweepWindowMs: z.number().int().positive(), startedAt: z.string() });

/** Creates an object and returns the store's clock at that moment (its lastModified): no client clock is trusted. */
export async function writeAndStamp(store: ObjectStore, key: string, body: Buffer, signal: AbortSignal | undefined): Promise<{ etag: string; storeTime: number }> {
  const written = await store.put(key, body, { ifNoneMatch: '*', contentType: 'application/json', signal });
  const info = await store.head(key, { signal });
  if (!info) throw new NotFoundError(`${key} vanished right after it was written.`, { key });
  return { etag: written.etag, storeTime: info.lastModified.getTime() };
}

/**
 * A garbage collection's announcement: while its marker exists and its sweep window is open, pushes
 * wait before they check which blobs exist (see docs/gc.md). Removed when the gc ends.
 */
export class GcRun {
  private constructor(
    private readonly store: ObjectStore,
    readonly key: string,
    /** The store's clock when the marker was written. */
    readonly startedAt: number,
    /** The local monotonic time before the marker was written: the sweep window is measured from here. */
    private readonly localStart: number,
    readonly sweepWindowMs: number,
  ) {}

  static async announce(store: ObjectStore, keys: KeyScheme, sweepWindowMs: number, signal: AbortSignal | undefined): Promise<GcRun> {
    const key = `${keys.gcRunsPrefix()}${randomUUID()}.json`;
    const localStart = performance.now();
    const body = Buffer.from(JSON.stringify({ schemaVersion: 1, sweepWindowMs, startedAt: new Date().toISOString() }));
    const { storeTime } = await writeAndStamp(store, key, body, signal);
    return new GcRun(store, key, storeTime, localStart, sweepWindowMs);
  }

  /** Whether this gc may still send a delete. */
  get mayDelete(): boolean {
    return performance.now() - this.localStart < this.sweepWindowMs - Math.min(SWEEP_SEND_MARGIN_MS, this.sweepWindowMs / 4);
  }

  async end(): Promise<void> {
    await this.store.delete([this.key]);
  }
}

/** Every gc marker with the store time after which it no longer holds pushes back (its gc crashed or overran). */
export async function listGcRuns(store: ObjectStore, keys: KeyScheme, signal: AbortSignal | undefined): Promise<Array<{ key: string; expiresAt: number }>> {
  const runs: Array<{ key: string; expiresAt: number }> = [];
  for await (const entry of store.list(keys.gcRunsPrefix(), { signal })) {
    if (entry.type !== 'object') continue;
    const window = await sweepWindowOf(store, entry.key, signal);
    if (window !== undefined) runs.push({ key: entry.key, expiresAt: entry.lastModified.getTime() + window + RUN_EXPIRY_MARGIN_MS });
  }
  return runs;
}

/**
 * Waits until no gc's sweep window is open. `storeNow` is the store's clock as the caller knows it
 * (a timestamp it read, plus the time elapsed since): never ahead of the store, so no open window
 * is taken for closed.
 */
export async function waitForGcRuns(store: ObjectStore, keys: KeyScheme, storeNow: () => number, signal: AbortSignal | undefined): Promise<void> {
  while ((await listGcRuns(store, keys, signal)).some((run) => run.expiresAt > storeNow())) {
    await sleep(WAIT_POLL_MS, undefined, signal ? { signal } : {}).catch(() => throwIfAborted(signal));
  }
}

/** The sweep window a marker announces; a marker that cannot be read counts as the default window (undefined once gone). */
async function sweepWindowOf(store: ObjectStore, key: string, signal: AbortSignal | undefined): Promise<number | undefined> {
  try {
    const bytes = await readAll((await store.get(key, { signal })).body, signal, 64 * 1024);
    return parseOptions(runMarkerSchema, JSON.parse(bytes.toString('utf8')), `gc run marker ${key}`).sweepWindowMs;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    return DEFAULT_SWEEP_WINDOW_MS;
  }
}
