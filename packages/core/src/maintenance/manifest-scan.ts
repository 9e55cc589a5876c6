import { InvalidManifestError, NotFoundError } from '../errors.js';
import type { KeyScheme, ModelName, ParsedKey } from '../format/keys.js';
import type { Manifest } from '../format/manifest.js';
import type { ObjectStore } from '../store/object-store.js';
import { mapBounded } from '../util/concurrency.js';

/** What a registry-wide scan needs: the store, its key scheme, a manifest reader and how many reads may run at once. */
export interface ManifestScan {
  readonly store: ObjectStore;
  readonly keys: KeyScheme;
  readonly concurrency: number;
  readManifest(name: ModelName, version: number, options?: { signal?: AbortSignal | undefined }): Promise<Manifest>;
}

/** An object under `models/` that is neither a valid v2 manifest nor an alias: an older format, a stray file, a copied folder. */
export interface UnreadableEntry {
  key: string;
  problem: string;
}

export interface ScannedManifest {
  key: string;
  etag: string;
  manifest: Manifest;
}

export interface ScanOptions {
  /** Where to scan. @default the whole registry */
  prefix?: string | undefined;
  signal?: AbortSignal | undefined;
  onAlias?: ((name: ModelName, alias: string) => void) | undefined;
  /**
   * Receives each entry that cannot be read as a manifest. Without it the scan throws
   * `InvalidManifestError` naming them all once it has listed everything, so a caller such as gc
   * never acts on a partial view.
   */
  onUnreadable?: ((entry: UnreadableEntry) => void) | undefined;
  /** Manifests already read (key -> etag): listed again, not read again. */
  known?: ReadonlyMap<string, string> | undefined;
}

const BATCH = 256;

/**
 * Every manifest under a key prefix, read with bounded concurrency and validated: one listing pass
 * plus one read per version. A manifest listed and then deleted is skipped; an entry that is not a
 * manifest is reported (see `onUnreadable`).
 */
export async function* scanManifests(source: ManifestScan, options: ScanOptions = {}): AsyncGenerator<ScannedManifest> {
  const { signal, prefix = source.keys.modelsPrefix() } = options;
  const unreadable: UnreadableEntry[] = [];
  const report = options.onUnreadable ?? ((entry: UnreadableEntry) => unreadable.push(entry));
  let batch: Array<{ key: string; etag: string; name: ModelName; version: number }> = [];
  const flush = async () => {
    const read = await mapBounded(batch, source.concurrency, signal, async ({ key, etag, name, version }, batchSignal) => {
      try {
        return { key, etag, manifest: await source.readManifest(name, version, { signal: batchSignal }) };
      } catch (error) {
        if (error instanceof NotFoundError) return undefined; // deleted since it was listed
        if (!(error instanceof InvalidManifestError)) throw error;
        report({ key, problem: error.message });
        return undefined;
      }
    });
    batch = [];
    return read.filter((scanned) => scanned !== undefined);
  };
  for await (const entry of source.store.list(prefix, { signal })) {
    if (entry.type !== 'object') continue;
    const parsed = parseEntry(source.keys, entry.key);
    if (parsed.kind === 'unreadable') {
      report({ key: entry.key, problem: parsed.problem });
      continue;
    }
    if (parsed.kind === 'alias') options.onAlias?.(parsed.name, parsed.alias);
    if (parsed.kind !== 'manifest') continue;
    if (options.known?.get(entry.key) === entry.etag) continue;
    batch.push({ key: entry.key, etag: entry.etag, name: parsed.name, version: parsed.version });
    if (batch.length >= BATCH) yield* await flush();
  }
  yield* await flush();
  if (unreadable.length > 0) throw unreadableError(unreadable);
}

/** What a scan without `onUnreadable` throws once it has listed everything: names the entries, so a caller such as gc never acts on a partial view. */
export function unreadableError(unreadable: readonly UnreadableEntry[]): InvalidManifestError {
  return new InvalidManifestError(
    `${unreadable.length} entr${unreadable.length === 1 ? 'y' : 'ies'} under models/ cannot be read as v2 manifests and might reference blobs: ` +
      `${unreadable.slice(0, 10).map((entry) => entry.key).join(', ')}${unreadable.length > 10 ? ', ...' : ''}. ` +
      'Nothing was deleted. Import them with `modelreg import`, or move them out of the registry.',
    { key: unreadable[0]!.key },
  );
}

/** A listed key's parts, or why it is no key of this registry. */
export function parseEntry(keys: KeyScheme, key: string): ParsedKey | { kind: 'unreadable'; problem: string } {
  try {
    return keys.parse(key);
  } catch (error) {
    return { kind: 'unreadable', problem: (error as Error).message };
  }
}
