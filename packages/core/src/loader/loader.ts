import { readFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { mapBounded } from '../util/concurrency.js';
import type { Digest } from '../format/digest.js';
import { BackendError } from '../errors.js';
import { type Manifest, decodeManifest } from '../format/manifest.js';
import { type ModelRef, type RefInput, formatRef, parseRef } from '../format/refs.js';
import { assertNamesFitAFolder } from '../registry/pull.js';
import type { CallOptions, RegistryReadApi, ResolvedVersion } from '../registry/types.js';
import { AliasCache } from './alias-cache.js';
import { BlobCache } from './blob-cache.js';
import { CacheLayout } from './cache-layout.js';
import { type EvictionReport, evictLeastRecentlyUsed } from './eviction.js';
import { FileVerifier } from './file-verifier.js';
import { InFlight } from './in-flight.js';
import { Materializer } from './materializer.js';
import { type LoaderOptions, type ResolvedLoaderOptions, parseLoaderOptions } from './options.js';
import { PinLeases } from './pin-leases.js';

export interface LoadedModel extends ResolvedVersion {
  manifest: Manifest;
  /** The version's folder of artifacts: each artifact is at `join(dir, name)`. */
  dir: string;
  /** Local path of every artifact, by artifact name. Read-only files: hard links into the blob cache. */
  files: Record<string, string>;
  /** Bytes downloaded by this load: 0 when everything was cached. */
  downloadedBytes: number;
  /** True when the store could not be reached and an expired `@alias`/`@latest` resolution was used. */
  stale: boolean;
  /** Unpins the version, so eviction may remove its files. Safe to call more than once. */
  release(): void;
}

export type PreloadResult = ResolvedVersion & Pick<LoadedModel, 'downloadedBytes' | 'stale'>;

interface Pin {
  count: number;
  digests: Digest[];
}

/**
 * Loads model versions onto local disk for inference: a content-addressed disk cache shared by the
 * processes of a host, version folders of hard links, parallel ranged downloads for large blobs,
 * alias resolutions cached for `aliasTtlMs` (and used past it when the store is unreachable), LRU
 * eviction by bytes that spares pinned versions.
 *
 * A version is pinned from the `load` that returns it until that result's `release()`; pins count,
 * so two loads need two releases. `preload` pins nothing.
 */
export class Loader {
  readonly options: ResolvedLoaderOptions;
  private readonly registry: RegistryReadApi;
  private readonly layout: CacheLayout;
  private readonly blobCache: BlobCache;
  private readonly materializer: Materializer;
  private readonly aliases: AliasCache;
  private readonly manifests: LRUCache<string, Manifest>;
  private readonly pins = new Map<string, Pin>();
  private readonly leases: PinLeases;
  /** Versions being assembled in this process, so concurrent loads of one version do the work once. */
  private readonly assembling = new InFlight<string, number>();
  private evicting: Promise<unknown> = Promise.resolve();

  constructor(options: LoaderOptions) {
    this.options = parseLoaderOptions(options);
    this.registry = this.options.registry;
    this.layout = new CacheLayout(this.options.cacheDir, this.registry.location);
    const verifier = new FileVerifier(this.options.verify);
    this.blobCache = new BlobCache(this.registry, this.layout, verifier, this.options);
    this.materializer = new Materializer(this.layout, verifier);
    this.aliases = new AliasCache(this.layout, this.options.aliasTtlMs, this.options.now);
    this.manifests = new LRUCache({ max: this.options.manifestCacheSize });
    this.leases = new PinLeases(this.layout.pins);
  }

  /** The manifest and a local path for every artifact of a version; pinned until `release()`. */
  async load(ref: RefInput, { signal }: CallOptions = {}): Promise<LoadedModel> {
    const parsed = parseRef(ref);
    try {
      const { version, stale } = await this.resolveVersion(parsed, signal);
      const name = { store: parsed.store, product: parsed.product, type: parsed.type };
      const resolved = { ...name, version, ref: formatRef({ ...name, version }) };
      const manifest = await this.manifestOf(resolved, signal);
      assertNamesFitAFolder(resolved.ref, manifest.artifacts, 'loaded');
      const release = await this.pin(resolved.ref, manifest);
      try {
        const downloadedBytes = await this.assembling.run(resolved.ref, () => this.assemble(resolved, manifest, signal));
        const dir = join(this.layout.versionDir(resolved, version), 'files');
        const files = Object.fromEntries(manifest.artifacts.map((artifact) => [artifact.name, join(dir, ...artifact.name.split('/'))]));
        return { ...resolved, manifest, dir, files, downloadedBytes, stale, release };
      } catch (error) {
        release();
        throw error;
      }
    } catch (error) {
      throw this.explain(error, parsed);
    }
  }

  /** Loads versions into the cache ahead of use (e.g. at deploy time) without pinning them. */
  async preload(refs: RefInput | RefInput[], options: CallOptions = {}): Promise<PreloadResult[]> {
    const list = Array.isArray(refs) ? refs : [refs];
    return Promise.all(
      list.map(async (ref) => {
        const { manifest: _manifest, dir: _dir, files: _files, release, ...result } = await this.load(ref, options);
        release();
        return result;
      }),
    );
  }

  /** Evicts least recently used blobs (and the versions linking them) until the cache fits `maxCacheBytes`. */
  evict(): Promise<EvictionReport> {
    const run = this.evicting.then(async () => {
      const pinned = new Set([...this.pinnedDigests(), ...(await this.leases.pinnedByOthers())]);
      return evictLeastRecentlyUsed(this.layout, this.options.maxCacheBytes, pinned);
    });
    this.evicting = run.catch(() => {});
    return run;
  }

  /**
   * Releases every version this loader holds and removes its lease file once pending lease writes
   * are done; call it on shutdown. (A lease of an exited process pins nothing anyway, but a
   * loader dropped in a process that lives on would keep its versions pinned until then.)
   * The loader stays usable: a later `load` pins again.
   */
  async close(): Promise<void> {
    this.pins.clear();
    await this.leases.update([]);
  }

  /** `store/product/type@version` of every version this loader holds pinned. */
  get pinned(): string[] {
    return [...this.pins.keys()];
  }

  private async resolveVersion(parsed: ModelRef, signal: AbortSignal | undefined): Promise<{ version: number; stale: boolean }> {
    const { selector } = parsed;
    if (selector.kind === 'version') return { version: selector.version, stale: false };
    const cached = await this.aliases.get(parsed, selector);
    if (cached && this.aliases.isFresh(cached)) return { version: cached.version, stale: false };
    try {
      const { version } = await this.registry.resolve(parsed, { signal });
      await this.aliases.set(parsed, selector, version);
      return { version, stale: false };
    } catch (error) {
      if (!(error instanceof BackendError) || !cached) throw error;
      const ageSeconds = Math.round((this.options.now() - cached.resolvedAt) / 1000);
      this.options.onWarning(
        `${formatRef(parsed)}: ${this.registry.location} is unreachable (${error.message}); using version ${cached.version}, resolved ${ageSeconds} s ago, from the cache.`,
        error,
      );
      return { version: cached.version, stale: true };
    }
  }

  /** From memory, else from the cached version folder, else from the store. */
  private async manifestOf(resolved: ResolvedVersion, signal: AbortSignal | undefined): Promise<Manifest> {
    let manifest = this.manifests.get(resolved.ref);
    if (!manifest) {
      const path = this.layout.manifest(this.layout.versionDir(resolved, resolved.version));
      // Missing, or damaged: the store's copy replaces it.
      manifest = await readFile(path)
        .then((bytes) => decodeManifest(bytes, path, resolved))
        .catch(() => undefined);
      manifest ??= await this.registry.readManifest(resolved, resolved.version, { signal });
      this.manifests.set(resolved.ref, manifest);
    }
    return manifest;
  }

  /** Every blob verified on disk, the version folder current, recency stamped; evicts when bytes came in. Resolves to the bytes downloaded. */
  private async assemble(resolved: ResolvedVersion, manifest: Manifest, signal: AbortSignal | undefined): Promise<number> {
    const blobs = await mapBounded(manifest.artifacts, this.options.concurrency, signal, (artifact, artifactSignal) =>
      this.blobCache.ensure(artifact, `${resolved.ref} artifact "${artifact.name}"`, artifactSignal),
    );
    const paths = blobs.map((blob) => blob.path);
    await this.materializer.materialize(this.layout.versionDir(resolved, resolved.version), manifest, paths, resolved.ref);
    // Recency for the LRU lives in the blob's mtime: atime is often not kept (noatime, relatime).
    const now = new Date();
    await Promise.all(paths.map((path) => utimes(path, now, now).catch(() => {}))); // gone meanwhile: the version folder's links still hold the bytes
    const downloadedBytes = blobs.reduce((sum, blob) => sum + blob.downloadedBytes, 0);
    if (downloadedBytes > 0) {
      // The version is in place: a failed eviction is worth a warning, not a failed load.
      const report = await this.evict().catch((error: unknown) => {
        this.options.onWarning(`Evicting from the loader cache at ${this.options.cacheDir} failed: ${(error as Error).message}`, error);
      });
      if (report && report.bytesAfter > this.options.maxCacheBytes) {
        this.options.onWarning(
          `The loader cache at ${this.options.cacheDir} holds ${report.bytesAfter} bytes, over maxCacheBytes (${this.options.maxCacheBytes}): the versions loaded now (${this.pinned.join(', ')}) are pinned. Release unused ones or raise the limit.`,
        );
      }
    }
    return downloadedBytes;
  }

  /** Pins in memory and in this loader's lease file, which loaders in other processes respect. */
  private async pin(ref: string, manifest: Manifest): Promise<() => void> {
    const pin = this.pins.get(ref) ?? { count: 0, digests: manifest.artifacts.map((artifact) => artifact.digest) };
    pin.count++;
    this.pins.set(ref, pin);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      if (--pin.count > 0 || this.pins.get(ref) !== pin) return; // still held, or already dropped by close()
      this.pins.delete(ref);
      // A lease a little longer than needed only delays an eviction: no need to wait, nor to fail.
      this.leases.update(this.pinnedDigests()).catch((error: unknown) => this.options.onWarning(`Updating the loader's pin lease failed: ${(error as Error).message}`, error));
    };
    if (pin.count === 1) {
      try {
        await this.leases.update(this.pinnedDigests());
      } catch (error) {
        release();
        throw error;
      }
    }
    return release;
  }

  private pinnedDigests(): Set<Digest> {
    return new Set([...this.pins.values()].flatMap((pin) => pin.digests));
  }

  /** A store failure means the cache lacked something: say so, keeping the store's details. */
  private explain(error: unknown, parsed: ModelRef): unknown {
    if (!(error instanceof BackendError)) return error;
    return new BackendError(
      `Cannot load ${formatRef(parsed)}: ${this.registry.location} could not be reached or failed (${error.message}), and the cache at ${this.options.cacheDir} does not hold it. Retry when the store is back.`,
      { cause: error, key: error.key, serviceCode: error.serviceCode, requestId: error.requestId, statusCode: error.statusCode },
    );
  }
}

/** Creates a loader; the options are validated now. */
export function createLoader(options: LoaderOptions): Loader {
  return new Loader(options);
}
