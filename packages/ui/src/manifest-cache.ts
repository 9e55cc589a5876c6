import { InvalidManifestError, type Manifest, type ModelName, NotFoundError, type Registry, type UnreadableEntry, formatRef } from '@modelreg/core';
import { LRUCache } from 'lru-cache';
import pLimit from 'p-limit';

/** Manifest reads in flight per request; the registry's own listings stay bounded by its `concurrency`. */
const READS_IN_FLIGHT = 16;

export interface LineManifests {
  manifests: Manifest[];
  /** Versions listed whose manifest is not a valid v2 manifest (left out, as `modelreg versions` does). */
  skipped: UnreadableEntry[];
}

/**
 * Parsed manifests by `store/product/type@version`, for the version table's page, a version's page
 * and downloads. A version's manifest is immutable (the loader keeps manifests the same way).
 * Reads in flight are shared.
 */
export class ManifestCache {
  readonly #manifests: LRUCache<string, Promise<Manifest>>;

  constructor(
    private readonly registry: Registry,
    size: number,
  ) {
    this.#manifests = new LRUCache({ max: size });
  }

  read(version: ModelName & { version: number }, signal?: AbortSignal): Promise<Manifest> {
    const ref = formatRef(version);
    let manifest = this.#manifests.get(ref);
    if (!manifest) {
      // Not tied to one request's signal: another request may be waiting for the same read.
      manifest = this.registry.readManifest(version, version.version);
      this.#manifests.set(ref, manifest);
      manifest.catch(() => this.#manifests.delete(ref));
    }
    signal?.throwIfAborted();
    return manifest;
  }

  /** The given versions of a line, in that order; versions deleted meanwhile are left out. */
  async versions(line: ModelName, versions: readonly number[], signal?: AbortSignal): Promise<LineManifests> {
    const limit = pLimit(READS_IN_FLIGHT);
    const skipped: UnreadableEntry[] = [];
    const read = await Promise.all(
      versions.map((version) =>
        limit(async () => {
          try {
            return await this.read({ ...line, version }, signal);
          } catch (error) {
            if (error instanceof InvalidManifestError) skipped.push({ key: error.key ?? formatRef({ ...line, version }), problem: error.message });
            else if (!(error instanceof NotFoundError)) throw error;
            return undefined;
          }
        }),
      ),
    );
    return { manifests: read.filter((manifest) => manifest !== undefined), skipped };
  }
}
