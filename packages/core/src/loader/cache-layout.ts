import { join } from 'node:path';
import { type Digest, digestHex, sha256 } from '../format/digest.js';
import { KeyScheme, type ModelName } from '../format/keys.js';
import type { VersionSelector } from '../format/refs.js';

/**
 * Where the loader keeps things on disk. It mirrors the store's key scheme, so paths are as safe
 * on every filesystem as keys are on every backend:
 *
 *     <cacheDir>/blobs/sha256/<ab>/<hex>                       verified, read-only, shared by all registries
 *     <cacheDir>/registries/<ns>/models/<store>/<product>/<type>/<version>/manifest.json
 *     <cacheDir>/registries/<ns>/models/<store>/<product>/<type>/<version>/files/<artifact>   hard links to blobs
 *     <cacheDir>/registries/<ns>/models/<store>/<product>/<type>/aliases/<alias>.json        last resolution
 *     <cacheDir>/tmp/                                          downloads and version folders being built
 *     <cacheDir>/tmp/<hex>.claim/                              held by the process downloading that blob
 *     <cacheDir>/pins/<pid>.<uuid>.json                        each loader's pinned blobs, for the others' eviction
 *
 * `<ns>` is a hash of the store's description and the registry prefix: two registries sharing one
 * cache folder never mix up their version numbers. Blobs need no such separation.
 */
export class CacheLayout {
  readonly tmp: string;
  /** One lease file per loader, naming the blobs it holds pinned. */
  readonly pins: string;
  readonly blobsRoot: string;
  /** Holds one `<ns>/models/` tree per registry that uses this cache. */
  readonly registriesRoot: string;
  private readonly blobKeys = new KeyScheme();
  private readonly modelKeys: KeyScheme;

  constructor(
    readonly root: string,
    registryIdentity: string,
  ) {
    const namespace = digestHex(sha256(registryIdentity)).slice(0, 16);
    this.modelKeys = new KeyScheme(`registries/${namespace}`);
    this.tmp = join(root, 'tmp');
    this.pins = join(root, 'pins');
    this.blobsRoot = this.path(this.blobKeys.blobsPrefix());
    this.registriesRoot = join(root, 'registries');
  }

  blob(digest: Digest): string {
    return this.path(this.blobKeys.blobKey(digest));
  }

  /** The folder published as a whole: `manifest.json` and `files/`. */
  versionDir(name: ModelName, version: number): string {
    return join(this.path(this.modelKeys.manifestKey(name, version)), '..');
  }

  /** Where an artifact lives inside a version folder (or inside a temp copy of one). */
  artifact(versionDir: string, artifactName: string): string {
    return join(versionDir, 'files', ...artifactName.split('/'));
  }

  manifest(versionDir: string): string {
    return join(versionDir, 'manifest.json');
  }

  /** The last resolution of `@alias` or `@latest` (which no alias can be named). */
  resolution(name: ModelName, selector: Exclude<VersionSelector, { kind: 'version' }>): string {
    return selector.kind === 'alias'
      ? this.path(this.modelKeys.aliasKey(name, selector.alias))
      : join(this.path(this.modelKeys.namePrefix(name)), 'latest.json');
  }

  private path(key: string): string {
    return join(this.root, ...key.split('/').filter(Boolean));
  }
}
