import { InvalidManifestError } from '../errors.js';
import type { KeyScheme, ModelName, ParsedKey } from '../format/keys.js';
import type { Manifest } from '../format/manifest.js';
import type { ObjectStore } from '../store/object-store.js';

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
