import { type CatalogSource, CatalogScan } from '../catalog/catalog-scan.js';
import type { UnreadableEntry } from '../catalog/manifest-source.js';
import type { ModelName } from '../format/keys.js';

export interface RegistryStats {
  stores: number;
  products: number;
  /** Model lines: distinct store/product/type. */
  types: number;
  versions: number;
  aliases: number;
  blobs: number;
  /** Sum of artifact sizes over every manifest: what the versions would take without dedup. */
  logicalBytes: number;
  /** Sum of blob sizes: what the store holds. */
  storedBytes: number;
  /** logicalBytes / storedBytes (1 when nothing is stored). */
  dedupRatio: number;
  /** Writes that started and never finished (crashed multipart uploads, temp files) and the bytes they hold; gc removes them after the grace period. */
  incompleteWrites: number;
  incompleteWriteBytes: number;
  /** Entries under models/ that are not valid v2 manifests, left out of the counts. */
  unreadable: UnreadableEntry[];
}

/**
 * Counts and sizes of the whole registry: one listing of models and blobs, the catalog's shards,
 * and a read of each manifest the catalog lacks; writes a new catalog snapshot when it changed.
 */
export async function registryStats(source: CatalogSource, signal?: AbortSignal): Promise<RegistryStats> {
  let stores = 0;
  let products = 0;
  let lines = 0;
  let previous: ModelName | undefined;
  let versions = 0;
  let aliases = 0;
  let logicalBytes = 0;
  const unreadable: UnreadableEntry[] = [];
  const scan = new CatalogScan(source, { signal, write: true, onAlias: () => aliases++, onUnreadable: (entry) => unreadable.push(entry) });
  // Summaries come in key order, where each store, product and model line is one contiguous run
  // (its keys share a prefix): counting where a run starts needs no set of every name.
  for await (const { name, artifacts } of scan.summaries()) {
    const newStore = previous?.store !== name.store;
    const newProduct = newStore || previous?.product !== name.product;
    if (newStore) stores++;
    if (newProduct) products++;
    if (newProduct || previous?.type !== name.type) lines++;
    previous = name;
    versions++;
    for (const artifact of artifacts) logicalBytes += artifact.size;
  }
  let blobs = 0;
  let storedBytes = 0;
  for await (const entry of source.store.list(source.keys.blobsPrefix(), { signal })) {
    if (entry.type !== 'object') continue;
    blobs++;
    storedBytes += entry.size;
  }
  let incompleteWrites = 0;
  let incompleteWriteBytes = 0;
  for await (const write of source.store.listIncompleteWrites?.(source.keys.rootPrefix(), { signal }) ?? []) {
    incompleteWrites++;
    incompleteWriteBytes += write.size;
  }
  return {
    stores,
    products,
    types: lines,
    versions,
    aliases,
    blobs,
    logicalBytes,
    storedBytes,
    dedupRatio: storedBytes === 0 ? 1 : logicalBytes / storedBytes,
    incompleteWrites,
    incompleteWriteBytes,
    unreadable,
  };
}
