import { InvalidManifestError } from '../errors.js';
import type { ModelName } from '../format/keys.js';
import { type Manifest, decodeManifest } from '../format/manifest.js';
import { type ManifestScan, type UnreadableEntry, parseEntry, unreadableError } from './manifest-source.js';
import { readDocument } from '../store/read-document.js';
import { mapBounded } from '../util/concurrency.js';
import { type CatalogEntry, CatalogKeys } from './catalog-format.js';
import { type CatalogProblem, ShardCursor, loadNewestSnapshot } from './catalog-snapshot.js';
import { type SnapshotWriteReport, SnapshotWriter } from './catalog-writer.js';
import type { SeenManifests } from './seen-manifests.js';

export interface CatalogSettings {
  /** Read snapshots, and write them where a scan says so. @default true */
  enabled: boolean;
  /** About this many manifests per shard (at most 4 x). @default 8192 */
  shardEntries: number;
  /** Receives what is wrong with a catalog object; the scan goes on, reading the manifests instead. */
  onProblem: (problem: CatalogProblem) => void;
}

export interface CatalogSource extends ManifestScan {
  readonly catalog: CatalogSettings;
}

/** One manifest as registry-wide operations see it: its summary, checked against the listing. */
export interface ManifestSummary extends CatalogEntry {
  key: string;
  name: ModelName;
  version: number;
}

export interface SummaryScanOptions {
  /** Where to scan. @default the whole registry (only a whole-registry scan may write a snapshot) */
  prefix?: string | undefined;
  signal?: AbortSignal | undefined;
  onAlias?: ((name: ModelName, alias: string) => void) | undefined;
  /** Without it the scan throws `InvalidManifestError` naming the entries once it has listed everything. */
  onUnreadable?: ((entry: UnreadableEntry) => void) | undefined;
  /** Write a new snapshot when the registry changed since the newest one. @default false */
  write?: boolean | undefined;
  /** Adds every manifest the scan yields (key and listed etag) to this set. */
  record?: SeenManifests | undefined;
  /**
   * Skips listed manifests in this set (same key and etag) and reads the others without a catalog:
   * e.g. gc's second pass, for versions committed since its first.
   */
  skip?: SeenManifests | undefined;
}

/** Entries (catalog hits and manifests to read) handled together, each batch's reads with bounded concurrency. */
const BATCH = 1000;

/** A listed manifest; `entry` is its summary, from the snapshot (`cached`) or, once read, from the manifest. */
type Pending = { key: string; listedEtag: string; name: ModelName; version: number; cached: boolean; entry: CatalogEntry | undefined };

/**
 * Summaries of every manifest under a prefix, in key order: one listing, the snapshot's shards for
 * the listed range, and a read of each manifest the snapshot lacks or has with another etag.
 * Memory: one shard, one batch, and (when writing) one shard being built.
 */
export class CatalogScan {
  readonly #keys: CatalogKeys;
  #writer: SnapshotWriter | undefined;
  /** After the scan: what it wrote. */
  writeReport: SnapshotWriteReport | undefined;
  /** Manifests served by the snapshot, and read from the store. */
  readonly counts = { fromCatalog: 0, read: 0 };

  constructor(
    private readonly source: CatalogSource,
    private readonly options: SummaryScanOptions = {},
  ) {
    this.#keys = new CatalogKeys(source.keys);
  }

  async *summaries(): AsyncGenerator<ManifestSummary> {
    const { source, options } = this;
    const { signal, catalog } = { signal: options.signal, catalog: source.catalog };
    const unreadable: UnreadableEntry[] = [];
    const reportUnreadable = options.onUnreadable ?? ((entry: UnreadableEntry) => unreadable.push(entry));
    // A scan that skips what an earlier one saw reads the few others directly.
    const used = catalog.enabled && !options.skip ? await loadNewestSnapshot(source.store, this.#keys, signal, catalog.onProblem) : undefined;
    const cursor = used && new ShardCursor(source.store, this.#keys, used.snapshot.shards, signal, catalog.onProblem);
    const wholeRegistry = options.prefix === undefined || options.prefix === source.keys.modelsPrefix();
    this.#writer =
      options.write && catalog.enabled && wholeRegistry
        ? new SnapshotWriter(source.store, this.#keys, used?.snapshot, cursor?.loaded ?? new Set(), catalog.shardEntries, signal)
        : undefined;

    let batch: Pending[] = [];
    const flush = async (): Promise<ManifestSummary[]> => {
      const misses = batch.filter((pending) => !pending.entry);
      const read = await mapBounded(misses, source.concurrency, signal, (pending, readSignal) => this.#read(pending, readSignal, reportUnreadable));
      misses.forEach((pending, index) => (pending.entry = read[index]));
      const pendings = batch;
      batch = [];
      const summaries: ManifestSummary[] = [];
      for (const pending of pendings) {
        const { entry } = pending;
        if (!entry) continue;
        await this.#write((writer) => writer.add(entry));
        options.record?.add(this.#keys.pathOf(pending.key), pending.listedEtag);
        summaries.push({ ...entry, key: pending.key, name: pending.name, version: pending.version });
      }
      return summaries;
    };

    for await (const listed of source.store.list(options.prefix ?? source.keys.modelsPrefix(), { signal })) {
      if (listed.type !== 'object') continue;
      const parsed = parseEntry(source.keys, listed.key);
      if (parsed.kind === 'unreadable') {
        reportUnreadable({ key: listed.key, problem: parsed.problem });
        continue;
      }
      if (parsed.kind === 'alias') options.onAlias?.(parsed.name, parsed.alias);
      if (parsed.kind !== 'manifest') continue;
      const path = this.#keys.pathOf(listed.key);
      if (options.skip?.has(path, listed.etag)) continue;
      const found = await cursor?.find(path);
      const cached = found?.etag === listed.etag;
      if (cached) this.counts.fromCatalog++;
      batch.push({ key: listed.key, listedEtag: listed.etag, name: parsed.name, version: parsed.version, cached, entry: cached ? found : undefined });
      if (batch.length >= BATCH) yield* await flush();
    }
    yield* await flush();
    await this.#write(async (writer) => {
      this.writeReport = await writer.finish();
    });
    if (unreadable.length > 0) throw unreadableError(unreadable);
  }

  /** Reads one manifest into an entry; undefined when it vanished since the listing or is not a valid manifest (reported). */
  async #read(pending: Pending, signal: AbortSignal, reportUnreadable: (entry: UnreadableEntry) => void): Promise<CatalogEntry | undefined> {
    const document = await readDocument(this.source.store, pending.key, signal);
    if (!document) return undefined;
    let manifest: Manifest;
    try {
      manifest = decodeManifest(document.bytes, pending.key, { ...pending.name, version: pending.version });
    } catch (error) {
      if (!(error instanceof InvalidManifestError)) throw error;
      reportUnreadable({ key: pending.key, problem: error.message });
      return undefined;
    }
    this.counts.read++;
    const path = this.#keys.pathOf(pending.key);
    // The etag of what was read: if the manifest was replaced after the listing, the next listing shows this one.
    return summarize(path, document.etag, document.bytes.length, manifest);
  }

  /** A snapshot that cannot be written (read-only credentials, a full disk) only costs later scans their speed: the scan goes on without writing. */
  async #write(step: (writer: SnapshotWriter) => Promise<void>): Promise<void> {
    if (!this.#writer) return;
    try {
      await step(this.#writer);
    } catch (error) {
      if (this.options.signal?.aborted) throw error;
      this.#writer = undefined;
      this.source.catalog.onProblem({ key: this.#keys.snapshotsPrefix(), problem: `catalog snapshot not written: ${(error as Error).message}` });
    }
  }
}

export function summarize(path: string, etag: string, size: number, manifest: Manifest): CatalogEntry {
  return {
    path,
    etag,
    size,
    createdAt: manifest.createdAt,
    metrics: manifest.metrics,
    tags: manifest.tags,
    artifacts: manifest.artifacts.map(({ name, digest, size: bytes }) => ({ name, digest, size: bytes })),
    dependencies: manifest.dependencies.map(({ ref, role }) => ({ ref, role })),
  };
}
