import { AbortedError, NotFoundError } from '../errors.js';
import { readDocument } from '../store/read-document.js';
import type { ObjectStore } from '../store/object-store.js';
import { compareKeys } from '../store/key-order.js';
import { type CatalogEntry, type CatalogKeys, type ShardRef, type Snapshot, decodeShard, decodeSnapshot } from './catalog-format.js';

/** Something wrong with a catalog object. It only costs speed: the manifests it summarized are read instead. */
export interface CatalogProblem {
  key: string;
  problem: string;
}

export interface LoadedSnapshot {
  key: string;
  snapshot: Snapshot;
}

/** Snapshots tried, newest first, before giving up: one that vanished (gc) or is corrupt falls back to the one before. */
const SNAPSHOTS_TRIED = 3;
/** Snapshot indexes are small (a few hundred bytes per shard); anything far bigger is not ours. */
const MAX_SNAPSHOT_BYTES = 16 * 1024 * 1024;
const MAX_SHARD_OBJECT_BYTES = 64 * 1024 * 1024;

/** The newest readable snapshot, or undefined when there is none (the caller then reads every manifest). */
export async function loadNewestSnapshot(
  store: ObjectStore,
  keys: CatalogKeys,
  signal: AbortSignal | undefined,
  report: (problem: CatalogProblem) => void,
): Promise<LoadedSnapshot | undefined> {
  const names: string[] = [];
  for await (const entry of store.list(keys.snapshotsPrefix(), { signal })) if (entry.type === 'object') names.push(entry.key);
  for (const key of names.sort(compareKeys).reverse().slice(0, SNAPSHOTS_TRIED)) {
    try {
      const document = await readDocument(store, key, signal);
      if (!document) continue; // removed by gc since the listing
      if (document.bytes.length > MAX_SNAPSHOT_BYTES) throw new Error(`it is larger than ${MAX_SNAPSHOT_BYTES} bytes`);
      return { key, snapshot: decodeSnapshot(document.bytes) };
    } catch (error) {
      if (isFatal(error)) throw error;
      report({ key, problem: `catalog snapshot ignored: ${(error as Error).message}` });
    }
  }
  return undefined;
}

/**
 * Walks a snapshot's shards in key order, holding one shard in memory at a time. `find` must be
 * asked for paths in ascending key order (the order of a listing); a shard is fetched only when a
 * path falls into its range, so a scan of one store reads only that store's shards.
 */
export class ShardCursor {
  /** Shards fetched and decoded without a problem: the only ones a new snapshot may reuse without writing them again. */
  readonly loaded = new Set<string>();
  #next = 0;
  #current: { ref: ShardRef; entries: CatalogEntry[] } | undefined;
  #position = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly keys: CatalogKeys,
    private readonly shards: readonly ShardRef[],
    private readonly signal: AbortSignal | undefined,
    private readonly report: (problem: CatalogProblem) => void,
  ) {}

  async find(path: string): Promise<CatalogEntry | undefined> {
    if (!this.#current || compareKeys(this.#current.ref.lastPath, path) < 0) {
      this.#current = undefined;
      while (this.#next < this.shards.length && compareKeys(this.shards[this.#next]!.lastPath, path) < 0) this.#next++;
      const ref = this.shards[this.#next];
      if (!ref || compareKeys(path, ref.firstPath) < 0) return undefined;
      this.#next++;
      this.#current = { ref, entries: await this.#fetch(ref) };
      this.#position = 0;
    }
    const { entries } = this.#current;
    while (this.#position < entries.length && compareKeys(entries[this.#position]!.path, path) < 0) this.#position++;
    const entry = entries[this.#position];
    return entry?.path === path ? entry : undefined;
  }

  async #fetch(ref: ShardRef): Promise<CatalogEntry[]> {
    const key = this.keys.shardKey(ref.id);
    try {
      const document = await readDocument(this.store, key, this.signal);
      if (!document) throw new NotFoundError('it does not exist (removed by gc, or its writer crashed)', { key });
      if (document.bytes.length > MAX_SHARD_OBJECT_BYTES) throw new Error(`it is larger than ${MAX_SHARD_OBJECT_BYTES} bytes`);
      const entries = decodeShard(document.bytes, ref);
      this.loaded.add(ref.id);
      return entries;
    } catch (error) {
      if (isFatal(error)) throw error;
      this.report({ key, problem: `catalog shard ignored, its ${ref.entries} manifests are read instead: ${(error as Error).message}` });
      return [];
    }
  }
}

/** Aborts stop the scan; anything else wrong with a catalog object only makes it slower. */
function isFatal(error: unknown): boolean {
  return error instanceof AbortedError;
}
