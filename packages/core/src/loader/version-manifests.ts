import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { type Manifest, decodeManifest } from '../format/manifest.js';
import type { RegistryReadApi, ResolvedVersion } from '../registry/types.js';
import type { CacheLayout } from './cache-layout.js';

/**
 * The loader's manifests: from memory, else from a cached folder of the version (so a warm load in
 * a new process, or with the store down, reads none from the store), else from the store.
 */
export class VersionManifests {
  private readonly memory: LRUCache<string, Manifest>;

  constructor(
    private readonly registry: Pick<RegistryReadApi, 'readManifest'>,
    private readonly layout: CacheLayout,
    size: number,
  ) {
    this.memory = new LRUCache({ max: size });
  }

  async get(resolved: ResolvedVersion, signal: AbortSignal | undefined): Promise<Manifest> {
    let manifest = this.memory.get(resolved.ref);
    if (!manifest) {
      for (const folder of await this.cachedFolders(resolved)) {
        const path = this.layout.manifest(folder);
        // Missing, or damaged: another folder's copy, or the store's, replaces it.
        manifest = await readFile(path)
          .then((bytes) => decodeManifest(bytes, path, resolved))
          .catch(() => undefined);
        if (manifest) break;
      }
      manifest ??= await this.registry.readManifest(resolved, resolved.version, { signal });
      this.memory.set(resolved.ref, manifest);
    }
    return manifest;
  }

  /** The folder of every artifact of a version first, then the folders of selections of it. */
  private async cachedFolders(resolved: ResolvedVersion): Promise<string[]> {
    const whole = this.layout.versionDir(resolved, resolved.version);
    const siblings = await readdir(join(whole, '..')).catch(() => []);
    const selections = siblings.filter((name) => name.startsWith(`${basename(whole)}-`)).map((name) => join(whole, '..', name));
    return [whole, ...selections];
  }
}
