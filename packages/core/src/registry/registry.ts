import type { Readable } from 'node:stream';
import type { LineFilter, ModelName } from '../format/keys.js';
import type { Manifest } from '../format/manifest.js';
import { type RefInput, parseName } from '../format/refs.js';
import { type GcOptions, type GcReport, collectGarbage } from '../maintenance/gc.js';
import { type LineageEntry, dependenciesOf, dependentsOf } from '../maintenance/lineage.js';
import type { UnreadableEntry } from '../catalog/manifest-source.js';
import type { CatalogSource } from '../catalog/catalog-scan.js';
import type { CatalogProblem } from '../catalog/catalog-snapshot.js';
import { type ReindexReport, reindexCatalog } from '../catalog/reindex.js';
import { listMatching, needsSummaries } from './filtered-list.js';
import { type LineOverview, lineOverview } from './line-overview.js';
import { type LineVersion, lineVersions } from './line-versions.js';
import { type RetainOptions, type RetainReport, retainVersions } from '../maintenance/retention.js';
import { type RegistryStats, registryStats } from '../maintenance/stats.js';
import { type VerifyReport, verifyBlobs } from '../maintenance/verify.js';
import { type TimestampInput, timestampSchema } from '../format/timestamp.js';
import { parseOptions } from '../util/parse-options.js';
import { DEFAULT_METRIC_DIRECTIONS, compareManifests } from './compare.js';
import type { RegistryConfig } from './config.js';
import { type DeleteVersionOptions, type DeletedVersion, type Deletion, type PurgeOptions, type PurgeReport, type PurgeScope, deleteVersion, purge } from './deletion.js';
import { type Publisher, publishVersion } from './publish.js';
import { type PullTarget, type Puller, closureOf, openArtifact, pullFolds, pullStack, pullVersion } from './pull.js';
import type { ArtifactSelection } from '../selection/artifact-selection.js';
import type { ClosurePart } from '../selection/dependency-closure.js';
import type { ArtifactInput, PushMeta } from './push-input.js';
import type {
  AliasInfo, CallOptions, Comparison, FoldSet, ListFilter, PullOptions, PullResult, PushResult, ScanCallOptions, StackPull,
  TransferOptions,
} from './types.js';
import { RegistryReader } from './registry-reader.js';

interface AliasOptions extends CallOptions {
  reason?: string;
  /** Who moves the alias (a person or a pipeline), kept in its history. The CLI passes `--by`, else `MODELREG_ACTOR`, else the OS user. */
  by?: string;
  /** When the move happened, for alias history brought in from elsewhere (`Date` or ISO 8601 text). @default now */
  at?: TimestampInput;
}

/** Read-only scans skip entries that are not valid manifests; by default each is reported as a process warning. */
const warnUnreadable = (entry: UnreadableEntry) =>
  process.emitWarning(`Skipped ${entry.key}: ${entry.problem}`, { type: 'ModelregUnreadableEntry' });

/** A catalog object that is corrupt or missing only costs speed; by default each is reported as a process warning. */
const warnCatalogProblem = (problem: CatalogProblem) =>
  process.emitWarning(`Catalog: ${problem.key}: ${problem.problem}`, { type: 'ModelregCatalogProblem' });

/**
 * A model registry on any `ObjectStore`: versions are immutable manifests written last with a
 * conditional create, file contents are shared content-addressed blobs, aliases move by compare-and-swap.
 * The facade validates the config once and hands each algorithm only the parts it needs.
 */
export class Registry extends RegistryReader {
  readonly #scan: CatalogSource;
  readonly #publisher: Publisher;
  readonly #puller: Puller;
  readonly #deletion: Deletion;

  constructor(config: RegistryConfig) {
    super(config);
    const { settings, store, keys, blobs, aliases, reader, writeGuard } = this.parts;
    this.#scan = {
      store,
      keys,
      concurrency: settings.concurrency,
      readManifest: (name, version, options) => reader.readManifest(name, version, options),
      catalog: { enabled: settings.catalog.enabled, shardEntries: settings.catalog.shardEntries, onProblem: settings.catalog.onProblem ?? warnCatalogProblem },
    };
    const latestVersion = (name: ModelName, signal: AbortSignal | undefined) => reader.latestVersion(name, signal);
    this.#publisher = { store, keys, reader, blobs, writeGuard, settings, latestVersion };
    this.#puller = { reader, blobs, settings };
    this.#deletion = { store, keys, reader, aliases, scan: this.#scan };
  }

  // Writing

  /**
   * Pushes a new version: `push('shop/sales/xgb', artifacts, meta)` takes the next free number,
   * `push('shop/sales/xgb@7', ...)` claims version 7 and fails with `ConflictError` if it is taken.
   */
  push(ref: RefInput, artifacts: ArtifactInput[], meta: PushMeta = {}, options: TransferOptions = {}): Promise<PushResult> {
    return publishVersion(this.#publisher, ref, artifacts, meta, options);
  }

  // Listing and reading

  stores(options: ScanCallOptions = {}): Promise<string[]> {
    return this.parts.reader.stores(options);
  }

  products(store: string, options: ScanCallOptions = {}): Promise<string[]> {
    return this.parts.reader.products(store, options);
  }

  types(store: string, product: string, options: ScanCallOptions = {}): Promise<string[]> {
    return this.parts.reader.types(store, product, options);
  }

  /** Model lines matching the store/product/type parts of a filter. */
  lines(filter: LineFilter = {}, options: ScanCallOptions = {}): Promise<ModelName[]> {
    return this.parts.reader.lines(filter, options);
  }

  /** Model lines in scope with their version count, newest version and alias names, from one catalog scan; entries that are not valid manifests are skipped and reported. */
  lineOverview(filter: LineFilter = {}, options: ScanCallOptions = {}): Promise<LineOverview[]> {
    return lineOverview(this.#scan, filter, { ...options, onUnreadable: options.onUnreadable ?? warnUnreadable });
  }

  /** Every version of one model line with its metrics, tags and sizes, from the catalog (reading only the manifests it lacks); ascending. */
  lineVersions(name: string | ModelName, options: ScanCallOptions = {}): Promise<LineVersion[]> {
    return lineVersions(this.#scan, parseName(name), { ...options, onUnreadable: options.onUnreadable ?? warnUnreadable });
  }

  /** Manifests of every version matching the filter, by model line then version; entries that are not valid manifests are skipped and reported. */
  list(filter: ListFilter = {}, options: ScanCallOptions = {}): Promise<Manifest[]> {
    const scanOptions = { ...options, onUnreadable: options.onUnreadable ?? warnUnreadable };
    // Metric and tag filters are answered from the catalog, reading only the manifests that match.
    return needsSummaries(filter) ? listMatching({ ...this.#scan, reader: this.parts.reader }, filter, scanOptions) : this.parts.reader.list(filter, scanOptions);
  }

  /** Downloads the selected artifacts (every one by default) into `dir`, each verified, all or nothing; give a manifest already read to skip reading it again. */
  pull(target: PullTarget, dir: string, options: PullOptions = {}): Promise<PullResult> {
    return pullVersion(this.#puller, target, dir, options);
  }

  /** Streams one artifact; the stream fails with `IntegrityError` if the bytes do not match the manifest. */
  openArtifact(target: PullTarget, artifactName: string, options: CallOptions = {}): Promise<Readable> {
    return openArtifact(this.#puller, target, artifactName, options);
  }

  /** Pulls the per-fold artifacts (of the selection, if any), grouped and sorted by fold number. */
  pullFolds(target: PullTarget, dir: string, options: PullOptions = {}): Promise<FoldSet[]> {
    return pullFolds(this.#puller, target, dir, options);
  }

  /**
   * The selected artifacts of a version (every one by default) with everything they depend on:
   * `dependsOn` inside a version, and whole dependency versions, transitively; dependencies first.
   * `DependencyCycleError` when the recorded dependencies loop.
   */
  dependencyClosure(target: PullTarget, options: CallOptions & ArtifactSelection = {}): Promise<ClosurePart[]> {
    return closureOf(this.#puller, target, options);
  }

  /**
   * Pulls the selected artifacts of a version (a stacking meta-model, say) with everything they
   * depend on (see `dependencyClosure`, whose result it also takes): the version's files into
   * `dir`, each dependency version into `dir/sources/<store>/<product>/<type>/<version>`. All or
   * nothing across the whole closure.
   */
  pullStack(target: PullTarget | ClosurePart[], dir: string, options: PullOptions = {}): Promise<StackPull> {
    return pullStack(this.#puller, target, dir, options);
  }

  // Aliases

  /** Points `alias` at a version (resolved now, so `@latest` pins the current latest). Atomic under concurrent updates. */
  async setAlias(ref: RefInput, alias: string, options: AliasOptions = {}): Promise<AliasInfo> {
    await this.parts.writeGuard.assertSafe(options.signal);
    const target = await this.resolve(ref, options);
    return this.parts.aliases.move(target, alias, { action: 'set', version: target.version, reason: options.reason, by: options.by, at: moveTime(options.at) }, options.signal);
  }

  /** `setAlias` with the conventional default alias `production`. */
  promote(ref: RefInput, alias = 'production', options: AliasOptions = {}): Promise<AliasInfo> {
    return this.setAlias(ref, alias, options);
  }

  /** Moves `alias` back to the version it pointed at before its last move. */
  async rollback(name: string | ModelName, alias = 'production', options: AliasOptions = {}): Promise<AliasInfo> {
    await this.parts.writeGuard.assertSafe(options.signal);
    return this.parts.aliases.move(parseName(name), alias, { action: 'rollback', reason: options.reason, by: options.by, at: moveTime(options.at) }, options.signal);
  }

  /** Removes an alias (the versions stay). */
  deleteAlias(name: string | ModelName, alias: string, { signal }: CallOptions = {}): Promise<void> {
    return this.parts.aliases.remove(parseName(name), alias, signal);
  }

  // Deleting and maintenance

  /**
   * Deletes one version's manifest (its blobs stay until garbage collection). Refused while an alias
   * points at it or another version depends on it, unless `force`; a forced deletion reports the
   * aliases it left dangling and the dependents it broke.
   */
  deleteVersion(ref: RefInput, options: DeleteVersionOptions = {}): Promise<DeletedVersion> {
    return deleteVersion(this.#deletion, ref, options);
  }

  /**
   * Deletes every version and alias of a store (`'shop'`), a product (`'shop/sales'`) or a model
   * line (`'shop/sales/xgb'`); blobs go at the next gc. A dry run unless `dryRun: false`. Refused
   * while versions outside the scope depend on versions in it.
   */
  purge(scope: string | PurgeScope, options: PurgeOptions = {}): Promise<PurgeReport> {
    return purge(this.#deletion, scope, options);
  }

  /** Metrics side by side with difference and winner, differing params and tags, and changed artifacts. */
  async compare(refA: RefInput, refB: RefInput, options: CallOptions = {}): Promise<Comparison> {
    const [a, b] = await Promise.all([this.resolve(refA, options), this.resolve(refB, options)]);
    const [manifestA, manifestB] = await Promise.all([this.readManifest(a, a.version, options), this.readManifest(b, b.version, options)]);
    return { a, b, ...compareManifests(manifestA, manifestB, { ...DEFAULT_METRIC_DIRECTIONS, ...this.parts.settings.metricDirections }) };
  }

  /** Deletes all but the newest `keep` versions per model line in scope, sparing aliased and depended-on versions. */
  async retain(options: RetainOptions = {}): Promise<RetainReport> {
    await this.parts.writeGuard.assertSafe(options.signal);
    return retainVersions({ ...this.#scan, reader: this.parts.reader, aliases: this.parts.aliases, defaultKeep: this.parts.settings.retention?.keep }, options);
  }

  /**
   * Deletes unreferenced blobs older than the grace period. A dry run unless `dryRun: false`; a dry run
   * skips and reports entries that are not valid manifests, a real run refuses while any exists.
   */
  gc(options: GcOptions = {}): Promise<GcReport> {
    return collectGarbage({ ...this.#scan, gracePeriodMs: this.parts.settings.gcGracePeriodMs }, { ...options, onUnreadable: options.onUnreadable ?? warnUnreadable });
  }

  stats({ signal }: CallOptions = {}): Promise<RegistryStats> {
    return registryStats(this.#scan, signal);
  }

  /** Re-hashes the blobs of one version, or every blob in the registry when no ref is given. */
  async verify(ref?: RefInput, options: CallOptions = {}): Promise<VerifyReport> {
    return verifyBlobs({ ...this.#scan, blobs: this.parts.blobs }, ref === undefined ? undefined : [await this.manifest(ref, options)], options.signal);
  }

  /** Brings the catalog up to date (what gc and stats also do on the way): reads the manifests it lacks and writes a new snapshot if anything changed. */
  reindex(options: ScanCallOptions = {}): Promise<ReindexReport> {
    return reindexCatalog(this.#scan, { signal: options.signal, onUnreadable: options.onUnreadable ?? warnUnreadable });
  }

  /** The versions a version was built from, transitively (`maxDepth` 1 for direct ones only). */
  async dependencies(ref: RefInput, options: CallOptions & { maxDepth?: number } = {}): Promise<LineageEntry[]> {
    return dependenciesOf(this.#scan, await this.manifest(ref, options), options.maxDepth ?? Number.POSITIVE_INFINITY, options.signal);
  }

  /** The versions built from a version, transitively. Scans every manifest, skipping (and reporting) entries that are not valid manifests. */
  async dependents(ref: RefInput, options: ScanCallOptions & { maxDepth?: number } = {}): Promise<LineageEntry[]> {
    const manifest = await this.manifest(ref, options);
    return dependentsOf(this.#scan, manifest, options.maxDepth ?? Number.POSITIVE_INFINITY, options.signal, options.onUnreadable ?? warnUnreadable);
  }
}

function moveTime(at: TimestampInput | undefined): string | undefined {
  return at === undefined ? undefined : parseOptions(timestampSchema, at, 'alias move time (at)');
}

export function createRegistry(config: RegistryConfig): Registry {
  return new Registry(config);
}
