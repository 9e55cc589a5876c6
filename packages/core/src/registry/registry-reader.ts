import type { DownloadOptions } from '../blobs/blob-store.js';
import type { Digest } from '../format/digest.js';
import type { ModelName } from '../format/keys.js';
import type { Manifest } from '../format/manifest.js';
import { type RefInput, parseName } from '../format/refs.js';
import type { RegistryConfig } from './config.js';
import { type RegistryParts, registryParts } from './parts.js';
import type { AliasInfo, CallOptions, RegistryReadApi, ResolvedVersion, VersionInfo } from './types.js';

/**
 * The read side of a registry: resolving references, reading manifests, downloading blobs. It is
 * what a loader needs, and all a serverless function imports through `@modelreg/core/loader`;
 * `Registry` adds writing and maintenance on top of it.
 */
export class RegistryReader implements RegistryReadApi {
  /** Where the registry lives, for messages; also what tells loader caches of different registries apart. */
  readonly location: string;
  protected readonly parts: RegistryParts;

  constructor(config: RegistryConfig) {
    this.parts = registryParts(config);
    this.location = this.parts.location;
  }

  /** Turns `@latest`, `@7`/`@v7` or `@<alias>` into a version number that exists. */
  resolve(ref: RefInput, options: CallOptions = {}): Promise<ResolvedVersion> {
    return this.parts.reader.resolve(ref, options);
  }

  /** The manifest of a version, validated. */
  async manifest(ref: RefInput, options: CallOptions = {}): Promise<Manifest> {
    const resolved = await this.resolve(ref, options);
    return this.readManifest(resolved, resolved.version, options);
  }

  /** Reads and validates the manifest of a version known by number (no resolution step). */
  readManifest(name: ModelName, version: number, options: CallOptions = {}): Promise<Manifest> {
    return this.parts.reader.readManifest(name, version, options);
  }

  async info(ref: RefInput, options: CallOptions = {}): Promise<VersionInfo> {
    const resolved = await this.resolve(ref, options);
    const [manifest, aliases] = await Promise.all([this.readManifest(resolved, resolved.version, options), this.aliases(resolved, options)]);
    return { ...resolved, manifest, aliases: aliases.filter((alias) => alias.version === resolved.version).map((alias) => alias.alias) };
  }

  /** Every version number of a model line, ascending. */
  versions(name: string | ModelName, options: CallOptions = {}): Promise<number[]> {
    return this.parts.reader.versions(name, options);
  }

  aliases(name: string | ModelName, { signal }: CallOptions = {}): Promise<AliasInfo[]> {
    return this.parts.aliases.list(parseName(name), signal);
  }

  /**
   * Downloads one blob into a new file at `path` and rejects with `IntegrityError` unless every
   * byte matched; the caller publishes the file, or removes it on failure. Large blobs come as
   * parallel ranged GETs. (The loader's way in; `pull` is the way for users.)
   */
  downloadBlob(blob: { digest: Digest; size: number }, label: string, path: string, options: DownloadOptions): Promise<void> {
    return this.parts.blobs.downloadToNewFile(blob, label, path, options);
  }
}

/** A read-only registry on any `ObjectStore`, for code that only resolves and loads versions. */
export function createRegistryReader(config: RegistryConfig): RegistryReader {
  return new RegistryReader(config);
}
