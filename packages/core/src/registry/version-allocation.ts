import { ConflictError, PreconditionFailedError } from '../errors.js';
import { type KeyScheme, type ModelName, formatName } from '../format/keys.js';
import { formatRef } from '../format/refs.js';
import { type Manifest, manifestSchema } from '../format/manifest.js';
import type { ObjectStore } from '../store/object-store.js';
import { encodeDocument } from './documents.js';

/** Attempts at the next free version number before giving up under extreme contention. */
const MAX_VERSION_ATTEMPTS = 1000;

export interface VersionAllocation {
  store: ObjectStore;
  keys: KeyScheme;
  /** The newest version of a line as the store lists it now. */
  latestVersion(name: ModelName, signal: AbortSignal | undefined): Promise<number | undefined>;
}

/**
 * Commits a version by writing its manifest last, create-only (`ifNoneMatch: '*'`): the version
 * exists from that moment, whole. Without an explicit version it takes the next free number; when
 * another writer took that number first, it moves past everything that exists and tries again,
 * so concurrent pushers never overwrite each other and no number is skipped for long.
 */
export async function commitManifest(
  allocation: VersionAllocation,
  name: ModelName,
  draft: Omit<Manifest, 'version'>,
  explicitVersion: number | undefined,
  signal: AbortSignal | undefined,
): Promise<Manifest> {
  const { store, keys } = allocation;
  let version = explicitVersion ?? ((await allocation.latestVersion(name, signal)) ?? 0) + 1;
  for (let attempt = 0; attempt < MAX_VERSION_ATTEMPTS; attempt++) {
    const manifest = manifestSchema.parse({ ...draft, version });
    try {
      await store.put(keys.manifestKey(name, version), encodeDocument(manifest), { ifNoneMatch: '*', contentType: 'application/json', signal });
      return manifest;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      if (explicitVersion !== undefined) {
        throw new ConflictError(`${formatRef({ ...name, version })} already exists; versions are immutable. Push without a version to get the next free one.`, {
          key: keys.manifestKey(name, version),
        });
      }
      version = Math.max(version, (await allocation.latestVersion(name, signal)) ?? 0) + 1;
    }
  }
  throw new ConflictError(`Could not allocate a version of ${formatName(name)} after ${MAX_VERSION_ATTEMPTS} attempts; too many concurrent pushes.`);
}
