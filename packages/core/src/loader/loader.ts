import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { mapBounded } from '../util/concurrency.js';
import { parseOptions } from '../util/parse-options.js';
import { BackendError } from '../errors.js';
import type { Artifact, Manifest } from '../format/manifest.js';
import { type ModelRef, type RefInput, formatRef, parseRef } from '../format/refs.js';
import { assertNamesFitAFolder } from '../selection/folder-names.js';
import type { CallOptions, FoldSet, RegistryReadApi, ResolvedVersion } from '../registry/types.js';
import { resolvedVersion } from '../registry/version-reader.js';
import { type ArtifactSelection, groupByFold, selectArtifacts, selectFoldArtifacts } from '../selection/artifact-selection.js';
import { type ClosurePart, dependencyClosure } from '../selection/dependency-closure.js';
import { AliasCache } from './alias-cache.js';
import { BlobCache } from './blob-cache.js';
import { CacheLayout, selectionKey } from './cache-layout.js';
import { type EvictionReport, cachedBytes, evictLeastRecentlyUsed } from './eviction.js';
import { FileVerifier } from './file-verifier.js';
import { InFlight } from './in-flight.js';
import { type LoaderCounters, type LoaderStats, newCounters } from './loader-stats.js';
import { Materializer } from './materializer.js';
import { type LoaderOptions, type ResolvedLoaderOptions, cacheLimitSchema, parseLoaderOptions } from './options.js';
import { PinLeases } from './pin-leases.js';
import { PinSet } from './pin-set.js';
import { VersionManifests } from './version-manifests.js';

export interface LoadedModel extends ResolvedVersion {
  manifest: Manifest;
  /** The folder of the loaded artifacts (a selection has a folder of its own): each artifact is at `join(dir, name)`. */
  dir: string;
  /** The artifacts loaded: every one, or the selection (with what it depends on, for `loadWithDependencies`), in load order. */
  artifacts: Artifact[];
  /** Local path of each loaded artifact, by artifact name. Read-only files: hard links into the blob cache. */
  files: Record<string, string>;
  /** Bytes downloaded by this load: 0 when everything was cached. */
  downloadedBytes: number;
  /** True when the store could not be reached and an expired `@alias`/`@latest` resolution was used. */
  stale: boolean;
  /** Unpins the version, so eviction may remove its files. Safe to call more than once. */
  release(): void;
}

export type PreloadResult = ResolvedVersion & Pick<LoadedModel, 'downloadedBytes' | 'stale'>;

/** A version with everything it depends on: see `Loader.loadWithDependencies`. */
export interface LoadedStack {
  /** Every version loaded, dependencies first and the requested one last; dependency versions tell the edge that brought them. */
  models: Array<LoadedModel & Pick<ClosurePart, 'dependency'>>;
  /** The requested version: the last of `models`. */
  root: LoadedModel;
  downloadedBytes: number;
  stale: boolean;
  /** Releases every version of the stack. */
  release(): void;
}

/** A version's per-fold artifacts, grouped by fold: see `Loader.loadFolds`. */
export interface LoadedFolds extends LoadedModel {
  folds: FoldSet[];
}

type LoadOptions = CallOptions & ArtifactSelection;

/**
 * Loads model versions onto local disk for inference: a content-addressed disk cache shared by the
 * processes of a host, version folders of hard links, parallel ranged downloads for large blobs,
 * alias resolutions cached for `aliasTtlMs` (and used past it when the store is unreachable), LRU
 * eviction by bytes that spares pinned versions.
 *
 * Loads a whole version, a selection of its artifacts (by name, kind, fold or branch), its fold
 * models grouped by fold, or a meta-model with everything it depends on across versions; a
 * selection gets a version folder of its own and downloads only what it needs.
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
  private readonly manifests: VersionManifests;
  private readonly pins: PinSet;
  private readonly leases: PinLeases;
  private readonly counters: LoaderCounters = newCounters();
  /** Version folders being assembled in this process, so concurrent loads of one folder do the work once. */
  private readonly assembling = new InFlight<string, number>();
  private evicting: Promise<unknown> = Promise.resolve();

  constructor(options: LoaderOptions) {
    this.options = parseLoaderOptions(options);
    this.registry = this.options.registry;
    this.layout = new CacheLayout(this.options.cacheDir, this.registry.location);
    const verifier = new FileVerifier(this.options.verify);
    this.blobCache = new BlobCache(this.registry, this.layout, verifier, this.options, this.counters);
    this.materializer = new Materializer(this.layout, verifier);
    this.aliases = new AliasCache(this.layout, this.options.aliasTtlMs, this.options.now);
    this.manifests = new VersionManifests(this.registry, this.layout, this.options.manifestCacheSize);
    this.leases = new PinLeases(this.layout.pins);
    this.pins = new PinSet(this.leases, this.options.onWarning);
  }

  /**
   * The manifest and a local path for every artifact of a version, or for the selected ones
   * (`artifacts`, `kinds`, `folds`, `branch`: see `ArtifactSelection`); pinned until `release()`.
   */
  async load(ref: RefInput, options: LoadOptions = {}): Promise<LoadedModel> {
    return this.loadSelected(ref, options, (manifest) => selectArtifacts(manifest, options));
  }

  /** The per-fold artifacts of a version (of the selection, if any), grouped and sorted by fold, e.g. to average fold models. */
  async loadFolds(ref: RefInput, options: LoadOptions = {}): Promise<LoadedFolds> {
    const model = await this.loadSelected(ref, options, (manifest) => selectFoldArtifacts(manifest, options));
    return { ...model, folds: groupByFold(model.artifacts, model.files) };
  }

  /**
   * The selected artifacts of a version (every one by default; a stacking meta-model, say) with
   * everything they depend on, transitively and across versions, each version pinned until the
   * stack's `release()`: see `dependencyClosure` for the order and the rules.
   */
  async loadWithDependencies(ref: RefInput, options: LoadOptions = {}): Promise<LoadedStack> {
    const parsed = parseRef(ref);
    try {
      const { manifest, stale } = await this.open(parsed, options.signal);
      const parts = await dependencyClosure(manifest, selectArtifacts(manifest, options), (version, signal) => this.manifests.get(resolvedVersion(version, version.version), signal), options.signal);
      const models: LoadedStack['models'] = [];
      try {
        // One version after another, each with its artifacts in parallel: dependencies are in place first.
        for (const part of parts) {
          const loaded = await this.loadArtifacts(part.manifest, part.artifacts, part.dependency ? false : stale, options.signal);
          models.push(part.dependency ? { ...loaded, dependency: part.dependency } : loaded);
        }
      } catch (error) {
        for (const model of models) model.release();
        throw error;
      }
      const downloadedBytes = models.reduce((sum, model) => sum + model.downloadedBytes, 0);
      return { models, root: models.at(-1)!, downloadedBytes, stale, release: () => models.forEach((model) => model.release()) };
    } catch (error) {
      throw this.explain(error, parsed);
    }
  }

  /** Loads versions into the cache ahead of use (e.g. at deploy time) without pinning them. */
  async preload(refs: RefInput | RefInput[], options: CallOptions = {}): Promise<PreloadResult[]> {
    const list = Array.isArray(refs) ? refs : [refs];
    return Promise.all(
      list.map(async (ref) => {
        const { manifest: _manifest, artifacts: _artifacts, dir: _dir, files: _files, release, ...result } = await this.load(ref, options);
        release();
        return result;
      }),
    );
  }

  /** Evicts least recently used blobs (and the versions linking them) until the cache fits `maxCacheBytes`. */
  evict(): Promise<EvictionReport> {
    const run = this.evicting.then(async () => {
      const pinned = new Set([...this.pins.digests(), ...(await this.leases.pinnedByOthers())]);
      const report = await evictLeastRecentlyUsed(this.layout, this.options.maxCacheBytes, pinned);
      this.counters.evictions += report.evictedBlobs.length;
      return report;
    });
    this.evicting = run.catch(() => {});
    return run;
  }

  /**
   * Changes `maxCacheBytes` and evicts down to the new limit at once, sparing pinned versions (the
   * report's `bytesAfter` stays above the limit while they need more).
   */
  async setCacheLimit(bytes: number): Promise<EvictionReport> {
    this.options.maxCacheBytes = parseOptions(cacheLimitSchema, bytes, 'cache limit (bytes, a whole number >= 0)');
    return this.evict();
  }

  /** Hits, misses, bytes downloaded and evictions of this loader, and the bytes in the cache folder now. */
  async stats(): Promise<LoaderStats> {
    return { ...this.counters, bytesCached: await cachedBytes(this.layout), maxCacheBytes: this.options.maxCacheBytes };
  }

  /**
   * Releases every version this loader holds and removes its lease file once pending lease writes
   * are done; call it on shutdown. (A lease of an exited process pins nothing anyway, but a
   * loader dropped in a process that lives on would keep its versions pinned until then.)
   * The loader stays usable: a later `load` pins again.
   */
  async close(): Promise<void> {
    await this.pins.clear();
  }

  /** `store/product/type@version` of every version this loader holds pinned (all or some of its artifacts). */
  get pinned(): string[] {
    return this.pins.refs();
  }

  /** Resolves `ref` and loads the artifacts `choose` picks from its manifest. */
  private async loadSelected(ref: RefInput, { signal }: CallOptions, choose: (manifest: Manifest) => Artifact[]): Promise<LoadedModel> {
    const parsed = parseRef(ref);
    try {
      const { manifest, stale } = await this.open(parsed, signal);
      return await this.loadArtifacts(manifest, choose(manifest), stale, signal);
    } catch (error) {
      throw this.explain(error, parsed);
    }
  }

  private async open(parsed: ModelRef, signal: AbortSignal | undefined): Promise<{ manifest: Manifest; stale: boolean }> {
    const { version, stale } = await this.resolveVersion(parsed, signal);
    return { manifest: await this.manifests.get(resolvedVersion(parsed, version), signal), stale };
  }

  /** Pins and assembles the folder of `artifacts` (all of the version's, or a selection's own folder). */
  private async loadArtifacts(manifest: Manifest, artifacts: Artifact[], stale: boolean, signal: AbortSignal | undefined): Promise<LoadedModel> {
    const resolved = resolvedVersion(manifest, manifest.version);
    assertNamesFitAFolder(resolved.ref, artifacts, 'loaded');
    const whole = artifacts.length === manifest.artifacts.length;
    const folder = this.layout.versionDir(resolved, resolved.version, whole ? undefined : selectionKey(artifacts.map((artifact) => artifact.name)));
    const release = await this.pins.pin(folder, resolved.ref, artifacts.map((artifact) => artifact.digest));
    try {
      const downloadedBytes = await this.assembling.run(folder, () => this.assemble(resolved, manifest, artifacts, folder, signal));
      const dir = join(folder, 'files');
      const files = Object.fromEntries(artifacts.map((artifact) => [artifact.name, join(dir, ...artifact.name.split('/'))]));
      return { ...resolved, manifest, artifacts, dir, files, downloadedBytes, stale, release };
    } catch (error) {
      release();
      throw error;
    }
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

  /** Every blob verified on disk, the version folder current, recency stamped; evicts when bytes came in. Resolves to the bytes downloaded. */
  private async assemble(resolved: ResolvedVersion, manifest: Manifest, artifacts: Artifact[], folder: string, signal: AbortSignal | undefined): Promise<number> {
    const blobs = await mapBounded(artifacts, this.options.concurrency, signal, (artifact, artifactSignal) =>
      this.blobCache.ensure(artifact, `${resolved.ref} artifact "${artifact.name}"`, artifactSignal),
    );
    const paths = blobs.map((blob) => blob.path);
    await this.materializer.materialize(folder, manifest, paths, resolved.ref, artifacts);
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
