import { InvalidInputError } from '../errors.js';
import type { LineFilter, ModelName } from '../format/keys.js';
import { formatRef } from '../format/refs.js';
import { type CatalogSource, CatalogScan } from '../catalog/catalog-scan.js';

export interface RetainOptions extends LineFilter {
  /** Newest versions kept per model line. @default the registry's `retention.keep` */
  keep?: number;
  /** Report what would be deleted without deleting. @default false */
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface RetainReport {
  dryRun: boolean;
  /** Deleted (or, in a dry run, deletable) versions, as `store/product/type@version`. */
  deleted: string[];
  /** Versions past `keep` that were kept, and why. */
  protected: Array<{ ref: string; reason: 'alias' | 'dependency' }>;
}

export interface RetentionSource extends CatalogSource {
  reader: {
    lines(filter: LineFilter, options: { signal?: AbortSignal | undefined }): Promise<ModelName[]>;
    versions(name: ModelName, options: { signal?: AbortSignal | undefined }): Promise<number[]>;
  };
  aliases: { list(line: ModelName, signal: AbortSignal | undefined): Promise<Array<{ version: number }>> };
  /** The registry's `retention.keep`, used when the call names no number. */
  defaultKeep: number | undefined;
}

/**
 * Keeps the newest `keep` versions of each model line in scope. Versions an alias points at, and
 * versions that any remaining version depends on (transitively, across the whole registry), are
 * never deleted. Only manifests are deleted; their blobs go at the next garbage collection.
 */
export async function retainVersions(source: RetentionSource, options: RetainOptions): Promise<RetainReport> {
  const keep = options.keep ?? source.defaultKeep;
  if (keep === undefined || !Number.isSafeInteger(keep) || keep < 1) {
    throw new InvalidInputError(`retain needs keep >= 1 (got ${JSON.stringify(keep)}): pass { keep: N } or set retention.keep in the registry config.`);
  }
  const { signal } = options;
  const candidates = new Map<string, { name: ModelName; version: number }>();
  const protectedRefs = new Map<string, 'alias' | 'dependency'>();

  for (const line of await source.reader.lines(options, { signal })) {
    const versions = await source.reader.versions(line, { signal });
    const aliased = new Set((await source.aliases.list(line, signal)).map((alias) => alias.version));
    for (const version of versions.slice(0, Math.max(0, versions.length - keep))) {
      if (aliased.has(version)) protectedRefs.set(formatRef({ ...line, version }), 'alias');
      else candidates.set(formatRef({ ...line, version }), { name: line, version });
    }
  }

  // Whatever stays may depend on a candidate; what that rescues may depend on others in turn.
  const dependenciesOf = new Map<string, string[]>();
  for await (const { name, version, dependencies } of new CatalogScan(source, { signal }).summaries()) {
    dependenciesOf.set(formatRef({ ...name, version }), dependencies.map((dependency) => dependency.ref));
  }
  const pending = [...dependenciesOf.keys()].filter((ref) => !candidates.has(ref));
  for (let ref = pending.pop(); ref !== undefined; ref = pending.pop()) {
    for (const dependency of dependenciesOf.get(ref) ?? []) {
      if (!candidates.delete(dependency)) continue;
      protectedRefs.set(dependency, 'dependency');
      pending.push(dependency);
    }
  }

  const dryRun = options.dryRun ?? false;
  const doomed = [...candidates.values()];
  if (!dryRun) {
    for (let i = 0; i < doomed.length; i += 1000) {
      await source.store.delete(doomed.slice(i, i + 1000).map(({ name, version }) => source.keys.manifestKey(name, version)), { signal });
    }
  }
  return {
    dryRun,
    deleted: doomed.map(({ name, version }) => formatRef({ ...name, version })),
    protected: [...protectedRefs].map(([ref, reason]) => ({ ref, reason })).sort((a, b) => a.ref.localeCompare(b.ref)),
  };
}

