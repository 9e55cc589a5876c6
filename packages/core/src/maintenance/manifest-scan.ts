import { mapBounded } from '../util/concurrency.js';
import type { KeyScheme, ModelName } from '../format/keys.js';
import type { Manifest } from '../format/manifest.js';
import type { ObjectStore } from '../store/object-store.js';

/** What a registry-wide scan needs: the store, its key scheme, a manifest reader and how many reads may run at once. */
export interface ManifestScan {
  readonly store: ObjectStore;
  readonly keys: KeyScheme;
  readonly concurrency: number;
  readManifest(name: ModelName, version: number, options?: { signal?: AbortSignal | undefined }): Promise<Manifest>;
}

const BATCH = 256;

/**
 * Every manifest under a key prefix (the whole registry by default), read with bounded concurrency
 * and validated. One listing pass plus one read per version; invalid manifests throw, so callers
 * such as gc never act on a partial view.
 */
export async function* scanManifests(
  source: ManifestScan,
  options: { prefix?: string; signal?: AbortSignal | undefined; onAlias?: (name: ModelName, alias: string) => void } = {},
): AsyncGenerator<Manifest> {
  const { signal, prefix = source.keys.modelsPrefix() } = options;
  let batch: Array<{ name: ModelName; version: number }> = [];
  const flush = () => mapBounded(batch, source.concurrency, signal, ({ name, version }, batchSignal) => source.readManifest(name, version, { signal: batchSignal }));
  for await (const entry of source.store.list(prefix, { signal })) {
    if (entry.type !== 'object') continue;
    const parsed = source.keys.parse(entry.key);
    if (parsed.kind === 'alias') options.onAlias?.(parsed.name, parsed.alias);
    if (parsed.kind !== 'manifest') continue;
    batch.push({ name: parsed.name, version: parsed.version });
    if (batch.length >= BATCH) {
      yield* await flush();
      batch = [];
    }
  }
  yield* await flush();
}
