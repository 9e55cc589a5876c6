import type { ObjectStore } from '../store/object-store.js';
import { compareKeys } from '../store/key-order.js';
import { type CatalogKeys, decodeSnapshot } from './catalog-format.js';
import { readDocument } from '../store/read-document.js';

/**
 * How long a superseded snapshot and an unreferenced shard stay: a scan that started with them has
 * that long to finish before they go. One that takes longer finds them gone, which only costs it
 * speed (it reads the manifests instead).
 */
export const CATALOG_RETIRE_MS = 60 * 60 * 1000;

export interface CatalogPruneReport {
  removedSnapshots: number;
  removedShards: number;
}

/**
 * Removes superseded snapshots (all but the newest, once older than `CATALOG_RETIRE_MS` by the
 * store's clock `now`) and the shards no remaining snapshot references (once as old). A shard a
 * concurrent writer has just uploaded for an index it has not written yet is younger than that.
 */
export async function pruneCatalog(store: ObjectStore, keys: CatalogKeys, now: number, signal: AbortSignal | undefined): Promise<CatalogPruneReport> {
  const retired = (lastModified: Date) => lastModified.getTime() < now - CATALOG_RETIRE_MS;
  const snapshots: Array<{ key: string; lastModified: Date }> = [];
  for await (const entry of store.list(keys.snapshotsPrefix(), { signal })) if (entry.type === 'object') snapshots.push(entry);
  snapshots.sort((a, b) => compareKeys(a.key, b.key));
  const removable = snapshots.slice(0, -1).filter((snapshot) => retired(snapshot.lastModified));
  const kept = snapshots.filter((snapshot) => !removable.includes(snapshot));

  const referenced = new Set<string>();
  for (const { key } of kept) {
    const document = await readDocument(store, key, signal);
    if (!document) continue;
    try {
      for (const shard of decodeSnapshot(document.bytes).shards) referenced.add(keys.shardKey(shard.id));
    } catch {
      // A corrupt snapshot is ignored by every reader, so its shards need not be kept for it.
    }
  }
  const shards: string[] = [];
  for await (const entry of store.list(keys.shardsPrefix(), { signal })) {
    if (entry.type === 'object' && !referenced.has(entry.key) && retired(entry.lastModified)) shards.push(entry.key);
  }
  // Snapshots first: a reader never finds a listed snapshot whose shards were removed before it.
  await deleteInBatches(store, removable.map((snapshot) => snapshot.key), signal);
  await deleteInBatches(store, shards, signal);
  return { removedSnapshots: removable.length, removedShards: shards.length };
}

async function deleteInBatches(store: ObjectStore, keys: readonly string[], signal: AbortSignal | undefined): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) await store.delete(keys.slice(i, i + 1000), { signal });
}
