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
 *     <cacheDir>/registries/<ns>/models/<store>/<product>/<type>/<version>-<key>/...          some of its artifacts, listed in artifacts.json
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

  /**
   * The folder published as a whole: `manifest.json` and `files/`. A load of some of a version's
   * artifacts gets a folder of its own, `<version>-<selection key>` (see `selectionKey`), so it
   * never replaces or half-fills the folder of another selection that a process may be reading.
   */
  versionDir(name: ModelName, version: number, selection?: string): string {
    const dir = join(this.path(this.modelKeys.manifestKey(name, version)), '..');
    return selection === undefined ? dir : `${dir}-${selection}`;
  }

  /** In a folder of some of a version's artifacts: which ones (absent in a folder of all of them). */
  selection(versionDir: string): string {
    return join(versionDir, 'artifacts.json');
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

/** A version folder's name: `7` holds every artifact, `7-<selection key>` some of them. */
export const VERSION_FOLDER = /^[1-9][0-9]*(?:-[0-9a-f]{16})?$/;

/** Names the folder of a selection of artifacts: one folder per distinct set of names, whatever their order. */
export function selectionKey(artifactNames: readonly string[]): string {
  return digestHex(sha256([...artifactNames].sort().join('\n'))).slice(0, 16);
}
