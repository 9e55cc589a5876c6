import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { type AliasDocument, decodeAlias, moveAlias } from '../format/alias-document.js';
import { BlobStore } from '../blobs/blob-store.js';
import { mapBounded } from '../util/concurrency.js';
import { DEFAULT_METRIC_DIRECTIONS, type ManifestComparison, compareManifests } from './compare.js';
import { type GcOptions, type GcReport, collectGarbage } from '../maintenance/gc.js';
import { type LineageEntry, dependenciesOf, dependentsOf } from '../maintenance/lineage.js';
import { type RetainOptions, type RetainReport, retainVersions } from '../maintenance/retention.js';
import { type RegistryStats, registryStats } from '../maintenance/stats.js';
import { type VerifyReport, verifyBlobs } from '../maintenance/verify.js';
import { GuardedStore } from '../store/guarded-store.js';
import { type RegistryConfig, type ResolvedRegistryConfig, parseRegistryConfig } from './config.js';
import {
  ConflictError, InvalidInputError, NotFoundError, PreconditionFailedError, UnsafeStoreError,
} from '../errors.js';
import { decodeId, encodeId, parseVersionSegment } from '../format/ids.js';
import { KeyScheme, type ModelName, formatName } from '../format/keys.js';
import { type Artifact, type Dependency, type Manifest, decodeManifest, manifestSchema } from '../format/manifest.js';
import type { ObjectStore, StoreCapabilities } from '../store/object-store.js';
import { type ArtifactInput, type PushMeta, validatePushInput } from './push-input.js';
import { type RefInput, formatRef, parseName, parseRef } from '../format/refs.js';
import { prepareSource } from '../blobs/sources.js';
import { readAll } from '../util/streams.js';

/** Small JSON documents (manifests, aliases) are read whole; anything larger is not ours. */
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
/** Attempts at the next free version number before giving up under extreme contention. */
const MAX_VERSION_ATTEMPTS = 1000;
const MAX_ALIAS_ATTEMPTS = 100;

export interface CallOptions {
  signal?: AbortSignal | undefined;
}

export type ProgressEvent =
  | { type: 'artifact-start'; artifact: string; size: number | undefined }
  /** Bytes of this artifact sent or received so far; a push may send none (the blob existed). */
  | { type: 'artifact-progress'; artifact: string; size: number | undefined; transferredBytes: number }
  | { type: 'artifact-done'; artifact: string; size: number; transferredBytes: number };

export interface TransferOptions extends CallOptions {
  /** Called as each artifact starts, as its bytes move, and when it is done. */
  onProgress?: ((event: ProgressEvent) => void) | undefined;
}

export interface PullOptions extends TransferOptions {
  /** Only these artifacts. @default every artifact */
  artifacts?: string[] | undefined;
  /**
   * fsync each file before renaming it into place, so pulled files survive a power loss. Off by
   * default: every file is verified before it appears, so a crashed or failed pull never leaves a
   * partial file, and a pull into a serverless function's scratch disk gains nothing from fsync.
   * @default false
   */
  durable?: boolean | undefined;
}

export interface ResolvedVersion extends ModelName {
  version: number;
  /** `store/product/type@<version>` */
  ref: string;
}

export interface PushResult extends ResolvedVersion {
  manifest: Manifest;
  /** Blob bytes actually sent: 0 when every file was already stored. */
  uploadedBytes: number;
  /** Artifacts whose bytes were already stored and were reused. */
  reusedArtifacts: string[];
}

export interface PullResult extends ResolvedVersion {
  manifest: Manifest;
  /** Local path of every pulled artifact, by artifact name. */
  files: Record<string, string>;
}

export interface VersionInfo extends ResolvedVersion {
  manifest: Manifest;
  /** Aliases currently pointing at this version. */
  aliases: string[];
}

export interface AliasInfo extends ModelName {
  alias: string;
  version: number;
  /** The version the alias points at, as `store/product/type@<version>`. */
  ref: string;
  previous: number[];
  history: AliasDocument['history'];
}

export interface MetricRange {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export interface ListFilter {
  store?: string;
  product?: string;
  type?: string;
  /** Every tag given must be present with this value. */
  tags?: Record<string, string>;
  /** Every metric given must be present and within its range. */
  metrics?: Record<string, MetricRange>;
  /** Only the newest version of each model line. @default false */
  latestOnly?: boolean;
}

export interface Comparison extends ManifestComparison {
  a: ResolvedVersion;
  b: ResolvedVersion;
}

export interface FoldSet {
  fold: number;
  files: Record<string, string>;
  artifacts: Artifact[];
}

export interface StackPull {
  meta: PullResult;
  /** The source model versions, in the order the manifest declares them. */
  sources: Array<{ role: string; pulled: PullResult }>;
}

/**
 * A model registry on any `ObjectStore`: versions are immutable manifests written last with a
 * conditional create, file contents are shared content-addressed blobs, aliases move by compare-and-swap.
 */
export class Registry {
  readonly config: ResolvedRegistryConfig;
  readonly keys: KeyScheme;
  readonly blobs: BlobStore;
  /** The backend behind the core guard (key checks, abort, error normalization). */
  readonly backend: ObjectStore;

  constructor(config: RegistryConfig) {
    this.config = parseRegistryConfig(config);
    this.backend = new GuardedStore(this.config.backend);
    this.keys = new KeyScheme(this.config.prefix);
    this.blobs = new BlobStore(this.backend, this.keys, {
      touchAfterMs: this.config.gcGracePeriodMs / 2,
      tempDir: this.config.tempDir,
    });
  }

  // ---- writing ------------------------------------------------------------------------------

  /**
   * Pushes a new version: `push('shop/sales/xgb', artifacts, meta)` takes the next free number,
   * `push('shop/sales/xgb@7', ...)` claims version 7 and fails with `ConflictError` if it is taken.
   */
  async push(ref: RefInput, artifacts: ArtifactInput[], meta: PushMeta = {}, options: TransferOptions = {}): Promise<PushResult> {
    const target = parseRef(ref);
    if (target.selector.kind === 'alias') {
      throw new InvalidInputError(`Cannot push to alias "${target.selector.alias}": push to ${formatName(target)}, then promote the new version.`);
    }
    const explicitVersion = target.selector.kind === 'version' ? target.selector.version : undefined;
    const name = { store: target.store, product: target.product, type: target.type };
    await this.assertSafeForWrites(options.signal);
    const input = validatePushInput(artifacts, meta);
    const typeConfig = this.typeConfig(name.type);
    const dependencies = await this.pinDependencies(input.meta.dependencies, options.signal);
    const sources = await Promise.all(input.artifacts.map((artifact) => prepareSource(artifact.body, artifact.name)));

    const stored = await mapBounded(input.artifacts, this.config.concurrency, options.signal, async (artifact, signal, index) => {
      const source = sources[index]!;
      const size = source.kind === 'file' ? source.size : source.kind === 'bytes' ? source.data.length : undefined;
      options.onProgress?.({ type: 'artifact-start', artifact: artifact.name, size });
      const blob = await this.blobs.put(source, { signal, onBytes: reportBytes(options.onProgress, artifact.name, size) });
      options.onProgress?.({ type: 'artifact-done', artifact: artifact.name, size: blob.size, transferredBytes: blob.uploadedBytes });
      return blob;
    });

    const manifestArtifacts: Artifact[] = input.artifacts.map((artifact, index) => ({
      name: artifact.name,
      kind: artifact.kind,
      digest: stored[index]!.digest,
      size: stored[index]!.size,
      mediaType: artifact.mediaType,
      dependsOn: artifact.dependsOn,
      ...(artifact.fold === undefined ? {} : { fold: artifact.fold }),
      ...(artifact.branch === undefined ? {} : { branch: artifact.branch }),
    }));
    const draft = {
      schemaVersion: 2 as const,
      ...name,
      createdAt: new Date().toISOString(),
      description: input.meta.description,
      tags: input.meta.tags,
      metrics: input.meta.metrics,
      params: { ...typeConfig?.defaultParams, ...input.meta.params },
      ...(input.meta.dataRange ? { dataRange: input.meta.dataRange } : {}),
      dependencies,
      artifacts: manifestArtifacts,
    };
    const manifest = await this.commitManifest(name, draft, explicitVersion, options.signal);
    return {
      ...this.resolved(name, manifest.version),
      manifest,
      uploadedBytes: stored.reduce((sum, blob) => sum + blob.uploadedBytes, 0),
      reusedArtifacts: input.artifacts.filter((_, index) => stored[index]!.reused).map((artifact) => artifact.name),
    };
  }

  /** Writes the manifest last, with a conditional create: the version exists from this moment, whole. */
  private async commitManifest(
    name: ModelName,
    draft: Omit<Manifest, 'version'>,
    explicitVersion: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Manifest> {
    let version = explicitVersion ?? ((await this.latestVersion(name, signal)) ?? 0) + 1;
    for (let attempt = 0; attempt < MAX_VERSION_ATTEMPTS; attempt++) {
      const manifest = manifestSchema.parse({ ...draft, version });
      try {
        await this.backend.put(this.keys.manifestKey(name, version), Buffer.from(JSON.stringify(manifest, null, 2)), {
          ifNoneMatch: '*',
          contentType: 'application/json',
          signal,
        });
        return manifest;
      } catch (error) {
        if (!(error instanceof PreconditionFailedError)) throw error;
        if (explicitVersion !== undefined) {
          throw new ConflictError(`${formatName(name)}@${version} already exists; versions are immutable. Push without a version to get the next free one.`, {
            key: this.keys.manifestKey(name, version),
          });
        }
        // Another writer took this number: move past everything that exists now.
        version = Math.max(version, (await this.latestVersion(name, signal)) ?? 0) + 1;
      }
    }
    throw new ConflictError(`Could not allocate a version of ${formatName(name)} after ${MAX_VERSION_ATTEMPTS} attempts; too many concurrent pushes.`);
  }

  private verifiedCapabilities: Promise<StoreCapabilities> | undefined;

  /** Refuses writes on a store that does not enforce conditional writes; probes the live service once. */
  private async assertSafeForWrites(signal: AbortSignal | undefined): Promise<void> {
    if (this.config.allowUnsafeStore) return;
    this.verifiedCapabilities ??= this.backend.verifyCapabilities
      ? this.backend.verifyCapabilities({ signal }).catch((error: unknown) => {
          this.verifiedCapabilities = undefined; // a failed probe is retried by the next write
          throw error;
        })
      : Promise.resolve(this.backend.capabilities);
    if (!(await this.verifiedCapabilities).conditionalWrites) {
      throw new UnsafeStoreError(
        `${this.backend.description} does not enforce conditional writes, so concurrent pushes could overwrite each other's versions and aliases. ` +
          'Use a store that does, or set allowUnsafeStore: true if only one writer ever pushes.',
      );
    }
  }

  private typeConfig(type: string) {
    const types = this.config.modelTypes;
    if (types === undefined) return undefined;
    const config = types[type];
    if (!config) {
      throw new InvalidInputError(`Model type "${type}" is not allowed by this registry's config; allowed types: ${Object.keys(types).join(', ') || '(none)'}.`);
    }
    return config;
  }

  private async pinDependencies(dependencies: Array<{ ref: RefInput; role: string }>, signal: AbortSignal | undefined): Promise<Dependency[]> {
    return Promise.all(
      dependencies.map(async ({ ref, role }) => {
        const parsed = parseRef(ref);
        if (/[/@]/.test(parsed.store + parsed.product + parsed.type)) {
          throw new InvalidInputError(`Dependency ${JSON.stringify(ref)}: ids with "/" or "@" cannot be recorded as dependencies.`);
        }
        try {
          const resolved = await this.resolve(parsed, { signal });
          return { ref: resolved.ref, role };
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
          throw new InvalidInputError(`Dependency ${formatRef(parsed)} does not exist: ${error.message}`, { cause: error });
        }
      }),
    );
  }

  // ---- resolving and reading ----------------------------------------------------------------

  /** Turns `@latest`, `@7`/`@v7` or `@<alias>` into a version number that exists. */
  async resolve(ref: RefInput, { signal }: CallOptions = {}): Promise<ResolvedVersion> {
    const parsed = parseRef(ref);
    const name = { store: parsed.store, product: parsed.product, type: parsed.type };
    switch (parsed.selector.kind) {
      case 'latest': {
        const latest = await this.latestVersion(name, signal);
        if (latest === undefined) throw new NotFoundError(`${formatName(name)} has no versions; push one first.`, { key: formatName(name) });
        return this.resolved(name, latest);
      }
      case 'version': {
        const key = this.keys.manifestKey(name, parsed.selector.version);
        if (!(await this.backend.head(key, { signal }))) {
          throw new NotFoundError(`${formatRef(parsed)} does not exist${await this.existingVersionsHint(name, signal)}.`, { key });
        }
        return this.resolved(name, parsed.selector.version);
      }
      case 'alias': {
        const document = await this.readAlias(name, parsed.selector.alias, signal);
        if (!document) {
          throw new NotFoundError(`Alias "${parsed.selector.alias}" of ${formatName(name)} does not exist; set it with promote() or setAlias().`, {
            key: this.keys.aliasKey(name, parsed.selector.alias),
          });
        }
        return this.resolved(name, document.doc.version);
      }
    }
  }

  /** The manifest of a version, validated. */
  async manifest(ref: RefInput, options: CallOptions = {}): Promise<Manifest> {
    const resolved = await this.resolve(ref, options);
    return this.readManifest(resolved, resolved.version, options);
  }

  async info(ref: RefInput, options: CallOptions = {}): Promise<VersionInfo> {
    const resolved = await this.resolve(ref, options);
    const [manifest, aliases] = await Promise.all([this.readManifest(resolved, resolved.version, options), this.aliases(resolved, options)]);
    return {
      ...resolved,
      manifest,
      aliases: aliases.filter((alias) => alias.version === resolved.version).map((alias) => alias.alias),
    };
  }

  /** Every version number of a model line, ascending. */
  async versions(name: string | ModelName, { signal }: CallOptions = {}): Promise<number[]> {
    const line = parseName(name);
    const versions: number[] = [];
    for await (const entry of this.backend.list(this.keys.namePrefix(line), { delimiter: '/', signal })) {
      if (entry.type !== 'prefix') continue;
      const version = parseVersionSegment(entry.prefix.slice(0, -1).split('/').pop()!);
      if (version !== undefined) versions.push(version);
    }
    return versions.sort((a, b) => a - b);
  }

  async stores({ signal }: CallOptions = {}): Promise<string[]> {
    return this.childIds(this.keys.modelsPrefix(), 'store', signal);
  }

  async products(store: string, { signal }: CallOptions = {}): Promise<string[]> {
    return this.childIds(this.keys.storePrefix(store), 'product', signal);
  }

  async types(store: string, product: string, { signal }: CallOptions = {}): Promise<string[]> {
    return this.childIds(this.keys.productPrefix(store, product), 'type', signal);
  }

  /** Model lines matching the store/product/type parts of a filter. */
  async lines(filter: Pick<ListFilter, 'store' | 'product' | 'type'> = {}, { signal }: CallOptions = {}): Promise<ModelName[]> {
    const lines: ModelName[] = [];
    const stores = filter.store !== undefined ? [filter.store] : await this.stores({ signal });
    for (const store of stores) {
      const products = filter.product !== undefined ? [filter.product] : await this.products(store, { signal });
      for (const product of products) {
        const types = await this.types(store, product, { signal });
        for (const type of types) if (filter.type === undefined || filter.type === type) lines.push({ store, product, type });
      }
    }
    return lines;
  }

  /** Manifests of every version matching the filter, by model line then version. */
  async list(filter: ListFilter = {}, { signal }: CallOptions = {}): Promise<Manifest[]> {
    const lines = await this.lines(filter, { signal });
    const perLine = await mapBounded(lines, this.config.concurrency, signal, async (line, lineSignal) => {
      const versions = await this.versions(line, { signal: lineSignal });
      const wanted = filter.latestOnly ? versions.slice(-1) : versions;
      return mapBounded(wanted, this.config.concurrency, lineSignal, (version, versionSignal) => this.readManifest(line, version, { signal: versionSignal }));
    });
    return perLine.flat().filter((manifest) => matchesFilter(manifest, filter));
  }

  /** Downloads every artifact (or the named ones) into `dir`, each verified against its digest. */
  async pull(ref: RefInput, dir: string, options: PullOptions = {}): Promise<PullResult> {
    const resolved = await this.resolve(ref, options);
    const manifest = await this.readManifest(resolved, resolved.version, options);
    const wanted = options.artifacts === undefined ? manifest.artifacts : options.artifacts.map((artifactName) => findArtifact(manifest, artifactName));
    const paths = await mapBounded(wanted, this.config.concurrency, options.signal, async (artifact, signal) => {
      const path = join(dir, ...artifact.name.split('/'));
      const { name, size } = artifact;
      options.onProgress?.({ type: 'artifact-start', artifact: name, size });
      const onBytes = reportBytes(options.onProgress, name, size);
      await this.blobs.download(artifact, `${resolved.ref} artifact "${name}"`, path, { ...this.config, signal, onBytes, durable: options.durable ?? false });
      options.onProgress?.({ type: 'artifact-done', artifact: name, size, transferredBytes: size });
      return path;
    });
    // In manifest order, whatever order the downloads finished in.
    const files = Object.fromEntries(wanted.map((artifact, index) => [artifact.name, paths[index]!]));
    return { ...resolved, manifest, files };
  }

  /** Streams one artifact; the stream fails with `IntegrityError` if the bytes do not match the manifest. */
  async openArtifact(ref: RefInput, artifactName: string, options: CallOptions = {}): Promise<Readable> {
    const resolved = await this.resolve(ref, options);
    const artifact = findArtifact(await this.readManifest(resolved, resolved.version, options), artifactName);
    return this.blobs.open(artifact, `${resolved.ref} artifact "${artifact.name}"`, options);
  }

  /** Pulls the artifacts of every fold, grouped and sorted by fold number. */
  async pullFolds(ref: RefInput, dir: string, options: Omit<PullOptions, 'artifacts'> = {}): Promise<FoldSet[]> {
    const manifest = await this.manifest(ref, options);
    const folded = manifest.artifacts.filter((artifact) => artifact.fold !== undefined);
    if (folded.length === 0) throw new NotFoundError(`${formatName(manifest)}@${manifest.version} has no per-fold artifacts.`);
    const pulled = await this.pull({ ...manifest, version: manifest.version }, dir, { ...options, artifacts: folded.map((artifact) => artifact.name) });
    const folds = [...new Set(folded.map((artifact) => artifact.fold!))].sort((a, b) => a - b);
    return folds.map((fold) => {
      const artifacts = folded.filter((artifact) => artifact.fold === fold);
      return { fold, artifacts, files: Object.fromEntries(artifacts.map((artifact) => [artifact.name, pulled.files[artifact.name]!])) };
    });
  }

  /**
   * Pulls a stacking meta-model and, after it, each source model version it depends on, in the
   * declared order, into `dir/sources/<store>/<product>/<type>/<version>`.
   */
  async pullStack(ref: RefInput, dir: string, options: Omit<PullOptions, 'artifacts'> = {}): Promise<StackPull> {
    const meta = await this.pull(ref, dir, options);
    const sources: StackPull['sources'] = [];
    for (const dependency of meta.manifest.dependencies) {
      const source = parseRef(dependency.ref);
      const sourceDir = join(dir, 'sources', encodeId(source.store, 'store'), encodeId(source.product, 'product'), encodeId(source.type, 'type'), dependency.ref.split('@')[1]!);
      sources.push({ role: dependency.role, pulled: await this.pull(source, sourceDir, options) });
    }
    return { meta, sources };
  }

  // ---- aliases ------------------------------------------------------------------------------

  /** Points `alias` at a version (resolved now, so `@latest` pins the current latest). Atomic under concurrent updates. */
  async setAlias(ref: RefInput, alias: string, options: CallOptions & { reason?: string } = {}): Promise<AliasInfo> {
    await this.assertSafeForWrites(options.signal);
    const target = await this.resolve(ref, options);
    return this.updateAlias(target, alias, { action: 'set', version: target.version, reason: options.reason }, options.signal);
  }

  /** `setAlias` with the conventional default alias `production`. */
  async promote(ref: RefInput, alias = 'production', options: CallOptions & { reason?: string } = {}): Promise<AliasInfo> {
    return this.setAlias(ref, alias, options);
  }

  /** Moves `alias` back to the version it pointed at before its last move. */
  async rollback(name: string | ModelName, alias = 'production', options: CallOptions & { reason?: string } = {}): Promise<AliasInfo> {
    await this.assertSafeForWrites(options.signal);
    return this.updateAlias(parseName(name), alias, { action: 'rollback', reason: options.reason }, options.signal);
  }

  async aliases(name: string | ModelName, { signal }: CallOptions = {}): Promise<AliasInfo[]> {
    const line = parseName(name);
    const aliases: AliasInfo[] = [];
    for await (const entry of this.backend.list(this.keys.aliasesPrefix(line), { signal })) {
      if (entry.type !== 'object') continue;
      const parsed = this.keys.parse(entry.key);
      if (parsed.kind !== 'alias') continue;
      const document = await this.readAlias(line, parsed.alias, signal);
      if (document) aliases.push(aliasInfo(line, document.doc));
    }
    return aliases;
  }

  /** Removes an alias (the versions stay). */
  async deleteAlias(name: string | ModelName, alias: string, { signal }: CallOptions = {}): Promise<void> {
    const line = parseName(name);
    const key = this.keys.aliasKey(line, alias);
    if (!(await this.backend.head(key, { signal }))) throw new NotFoundError(`Alias "${alias}" of ${formatName(line)} does not exist.`, { key });
    await this.backend.delete([key], { signal });
  }

  private async updateAlias(
    name: ModelName,
    alias: string,
    move: Parameters<typeof moveAlias>[2],
    signal: AbortSignal | undefined,
  ): Promise<AliasInfo> {
    const key = this.keys.aliasKey(name, alias);
    for (let attempt = 0; attempt < MAX_ALIAS_ATTEMPTS; attempt++) {
      const current = await this.readAlias(name, alias, signal);
      if (move.action === 'rollback' && !current?.doc.previous.length) {
        throw new ConflictError(`Alias "${alias}" of ${formatName(name)} has no earlier target to roll back to.`, { key });
      }
      const next = moveAlias(current?.doc, alias, move, this.config.aliasHistoryLimit);
      try {
        await this.backend.put(key, Buffer.from(JSON.stringify(next, null, 2)), {
          ...(current ? { ifMatch: current.etag } : { ifNoneMatch: '*' as const }),
          contentType: 'application/json',
          signal,
        });
        return aliasInfo(name, next);
      } catch (error) {
        if (!(error instanceof PreconditionFailedError)) throw error;
        // Someone moved the alias since we read it: re-read and apply our move on top of theirs.
      }
    }
    throw new ConflictError(`Alias "${alias}" of ${formatName(name)} is changing too often to update; try again.`, { key });
  }

  private async readAlias(name: ModelName, alias: string, signal: AbortSignal | undefined): Promise<{ doc: AliasDocument; etag: string } | undefined> {
    const key = this.keys.aliasKey(name, alias);
    const document = await this.readDocument(key, signal);
    return document && { doc: decodeAlias(document.bytes, key), etag: document.etag };
  }

  // ---- deleting -----------------------------------------------------------------------------

  /**
   * Deletes one version's manifest (its blobs stay until garbage collection). Refused while an alias
   * points at it, unless `force`; forced deletion leaves those aliases dangling, and resolving them fails clearly.
   */
  async deleteVersion(ref: RefInput, options: CallOptions & { force?: boolean } = {}): Promise<ResolvedVersion> {
    const parsed = parseRef(ref);
    if (parsed.selector.kind !== 'version') {
      throw new InvalidInputError(`deleteVersion needs an explicit version such as ${formatName(parsed)}@3, not "${formatRef(parsed)}".`);
    }
    const target = await this.resolve(parsed, options);
    const pointing = (await this.aliases(target, options)).filter((alias) => alias.version === target.version).map((alias) => alias.alias);
    if (pointing.length > 0 && !options.force) {
      throw new ConflictError(
        `${target.ref} is the target of alias ${pointing.map((alias) => `"${alias}"`).join(', ')}; move or delete the alias first, or pass force.`,
        { key: this.keys.manifestKey(target, target.version) },
      );
    }
    await this.backend.delete([this.keys.manifestKey(target, target.version)], options);
    return target;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Metrics side by side with difference and winner, differing params and tags, and changed artifacts. */
  async compare(refA: RefInput, refB: RefInput, options: CallOptions = {}): Promise<Comparison> {
    const [a, b] = await Promise.all([this.resolve(refA, options), this.resolve(refB, options)]);
    const [manifestA, manifestB] = await Promise.all([this.readManifest(a, a.version, options), this.readManifest(b, b.version, options)]);
    return { a, b, ...compareManifests(manifestA, manifestB, { ...DEFAULT_METRIC_DIRECTIONS, ...this.config.metricDirections }) };
  }

  /** Deletes all but the newest `keep` versions per model line in scope, sparing aliased and depended-on versions. */
  async retain(options: RetainOptions = {}): Promise<RetainReport> {
    await this.assertSafeForWrites(options.signal);
    return retainVersions(this, options);
  }

  /** Deletes unreferenced blobs older than the grace period. A dry run unless `dryRun: false`. */
  async gc(options: GcOptions = {}): Promise<GcReport> {
    return collectGarbage(this, options);
  }

  async stats({ signal }: CallOptions = {}): Promise<RegistryStats> {
    return registryStats(this, signal);
  }

  /** Re-hashes the blobs of one version, or every blob in the registry when no ref is given. */
  async verify(ref?: RefInput, options: CallOptions = {}): Promise<VerifyReport> {
    return verifyBlobs(this, ref === undefined ? undefined : [await this.manifest(ref, options)], options.signal);
  }

  /** The versions a version was built from, transitively (`maxDepth` 1 for direct ones only). */
  async dependencies(ref: RefInput, options: CallOptions & { maxDepth?: number } = {}): Promise<LineageEntry[]> {
    return dependenciesOf(this, await this.manifest(ref, options), options.maxDepth ?? Number.POSITIVE_INFINITY, options.signal);
  }

  /** The versions built from a version, transitively. Scans every manifest. */
  async dependents(ref: RefInput, options: CallOptions & { maxDepth?: number } = {}): Promise<LineageEntry[]> {
    return dependentsOf(this, await this.manifest(ref, options), options.maxDepth ?? Number.POSITIVE_INFINITY, options.signal);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private async latestVersion(name: ModelName, signal: AbortSignal | undefined): Promise<number | undefined> {
    return (await this.versions(name, { signal })).at(-1);
  }

  private async existingVersionsHint(name: ModelName, signal: AbortSignal | undefined): Promise<string> {
    const versions = await this.versions(name, { signal });
    return versions.length === 0 ? `; ${formatName(name)} has no versions` : `; existing versions: ${versions.slice(-10).join(', ')}`;
  }

  /** Reads and validates the manifest of a version known by number (no resolution step). */
  async readManifest(name: ModelName, version: number, { signal }: CallOptions = {}): Promise<Manifest> {
    const key = this.keys.manifestKey(name, version);
    const document = await this.readDocument(key, signal);
    if (!document) throw new NotFoundError(`${formatName(name)}@${version} does not exist.`, { key });
    return decodeManifest(document.bytes, key, { ...name, version });
  }

  private async readDocument(key: string, signal: AbortSignal | undefined): Promise<{ bytes: Buffer; etag: string } | undefined> {
    try {
      const object = await this.backend.get(key, { signal });
      return { bytes: await readAll(object.body, signal, MAX_DOCUMENT_BYTES), etag: object.etag };
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  private async childIds(prefix: string, kind: 'store' | 'product' | 'type', signal: AbortSignal | undefined): Promise<string[]> {
    const ids: string[] = [];
    for await (const entry of this.backend.list(prefix, { delimiter: '/', signal })) {
      if (entry.type === 'prefix') ids.push(decodeId(entry.prefix.slice(prefix.length, -1), kind));
    }
    return ids;
  }

  private resolved(name: ModelName, version: number): ResolvedVersion {
    return { store: name.store, product: name.product, type: name.type, version, ref: formatRef({ ...name, version }) };
  }
}

export function createRegistry(config: RegistryConfig): Registry {
  return new Registry(config);
}

function findArtifact(manifest: Manifest, artifactName: string): Artifact {
  const artifact = manifest.artifacts.find((candidate) => candidate.name === artifactName);
  if (!artifact) {
    throw new NotFoundError(
      `${formatName(manifest)}@${manifest.version} has no artifact "${artifactName}"; it has: ${manifest.artifacts.map((a) => a.name).join(', ')}.`,
    );
  }
  return artifact;
}

/** An `onBytes` callback that reports an artifact's bytes as `artifact-progress` events, when anyone listens. */
function reportBytes(onProgress: TransferOptions['onProgress'], artifact: string, size: number | undefined): ((transferredBytes: number) => void) | undefined {
  return onProgress && ((transferredBytes) => onProgress({ type: 'artifact-progress', artifact, size, transferredBytes }));
}

function aliasInfo({ store, product, type }: ModelName, document: AliasDocument): AliasInfo {
  const { alias, version, previous, history } = document;
  return { store, product, type, alias, version, ref: `${formatName({ store, product, type })}@${version}`, previous, history };
}

function matchesFilter(manifest: Manifest, filter: ListFilter): boolean {
  const tagsMatch = Object.entries(filter.tags ?? {}).every(([tag, value]) => manifest.tags[tag] === value);
  const metricsMatch = Object.entries(filter.metrics ?? {}).every(([metric, range]) => {
    const value = manifest.metrics[metric];
    return (
      value !== undefined &&
      (range.gt === undefined || value > range.gt) &&
      (range.gte === undefined || value >= range.gte) &&
      (range.lt === undefined || value < range.lt) &&
      (range.lte === undefined || value <= range.lte)
    );
  });
  return tagsMatch && metricsMatch;
}

