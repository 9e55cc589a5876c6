import { randomBytes } from 'node:crypto';
import type { ObjectStore } from '../store/object-store.js';
import { type CatalogEntry, type CatalogKeys, type ShardRef, type Snapshot, encodeShard, endsShard } from './catalog-format.js';
import type { LoadedSnapshot } from './catalog-snapshot.js';

export interface SnapshotWriteReport {
  /** The snapshot written, or undefined when nothing changed since the one the scan started from. */
  written: LoadedSnapshot | undefined;
  shardsWritten: number;
  /** Shards identical to one of the previous snapshot, referenced again without writing them. */
  shardsReused: number;
}

/**
 * Builds a new snapshot from the entries of a whole-registry scan, given in key order. Holds one
 * shard at a time: each is uploaded when it ends, unless an identical shard (same id) of the
 * previous snapshot was read intact, and the index is written last with a create-only put under
 * a fresh name, so concurrent writers never overwrite each other (the newest name wins).
 */
export class SnapshotWriter {
  readonly #entries: CatalogEntry[] = [];
  readonly #shards: ShardRef[] = [];
  #manifests = 0;
  #shardsWritten = 0;
  #shardsReused = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly keys: CatalogKeys,
    private readonly previous: Snapshot | undefined,
    /** Ids of previous shards known to be present and intact. */
    private readonly reusable: ReadonlySet<string>,
    private readonly shardEntries: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async add(entry: CatalogEntry): Promise<void> {
    this.#entries.push(entry);
    this.#manifests++;
    if (endsShard(entry.path, this.#entries.length, this.shardEntries)) await this.#cut();
  }

  async finish(): Promise<SnapshotWriteReport> {
    await this.#cut();
    const report = { written: undefined, shardsWritten: this.#shardsWritten, shardsReused: this.#shardsReused };
    const previousIds = this.previous?.shards.map((shard) => shard.id).join();
    if (this.#shardsWritten === 0 && previousIds === this.#shards.map((shard) => shard.id).join()) return report;
    const snapshot: Snapshot = {
      format: 'modelreg-catalog',
      formatVersion: 1,
      createdAt: new Date().toISOString(),
      manifests: this.#manifests,
      shards: this.#shards,
    };
    const key = this.keys.newSnapshotKey(Date.now(), randomBytes(6).toString('hex'));
    await this.store.put(key, Buffer.from(JSON.stringify(snapshot)), { ifNoneMatch: '*', contentType: 'application/json', signal: this.signal });
    return { ...report, written: { key, snapshot } };
  }

  async #cut(): Promise<void> {
    if (this.#entries.length === 0) return;
    const { id, bytes } = encodeShard(this.#entries);
    if (this.reusable.has(id)) {
      this.#shardsReused++;
    } else {
      // Content-addressed: a concurrent writer putting the same id puts the same bytes.
      await this.store.put(this.keys.shardKey(id), bytes, { contentType: 'application/gzip', signal: this.signal });
      this.#shardsWritten++;
    }
    this.#shards.push({ id, firstPath: this.#entries[0]!.path, lastPath: this.#entries.at(-1)!.path, entries: this.#entries.length });
    this.#entries.length = 0;
  }
}
