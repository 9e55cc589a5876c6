import { InvalidManifestError, NotFoundError } from '../errors.js';
import { type KeyScheme, type LineFilter, formatName } from '../format/keys.js';
import type { Manifest } from '../format/manifest.js';
import { type CatalogSource, CatalogScan, type ManifestSummary } from '../catalog/catalog-scan.js';
import { mapBounded } from '../util/concurrency.js';
import type { ListFilter, ScanCallOptions } from './types.js';
import { type VersionReader, matchesFilter } from './version-reader.js';

/** Whether a filter looks inside versions (tags, metrics), which the catalog answers without reading every manifest. */
export function needsSummaries(filter: ListFilter): boolean {
  return Object.keys(filter.tags ?? {}).length > 0 || Object.keys(filter.metrics ?? {}).length > 0;
}

/**
 * `list` with tag or metric filters: one catalog scan of the narrowest prefix the filter allows,
 * then a read of each matching manifest only. Holds the summaries of the current model line (for
 * `latestOnly`) and the matches, never every manifest in scope.
 */
export async function listMatching(source: CatalogSource & { reader: VersionReader }, filter: ListFilter, options: ScanCallOptions): Promise<Manifest[]> {
  const { signal, onUnreadable } = options;
  const matches: ManifestSummary[] = [];
  let line: ManifestSummary[] = [];
  // A model line's keys are contiguous in key order; its versions are not in numeric order there.
  const endLine = () => {
    const candidates = filter.latestOnly ? line.filter((summary) => summary.version === Math.max(...line.map((other) => other.version))) : line;
    matches.push(...candidates.filter((summary) => matchesFilter(summary, filter)).sort((a, b) => a.version - b.version));
    line = [];
  };
  const scan = new CatalogScan(source, { prefix: scopePrefix(source.keys, filter), signal, onUnreadable });
  for await (const summary of scan.summaries()) {
    if ((['store', 'product', 'type'] as const).some((part) => filter[part] !== undefined && summary.name[part] !== filter[part])) continue;
    if (line.length > 0 && formatName(line[0]!.name) !== formatName(summary.name)) endLine();
    line.push(summary);
  }
  endLine();
  const manifests = await mapBounded(matches, source.concurrency, signal, async ({ key, name, version }, readSignal) => {
    try {
      return await source.reader.readManifest(name, version, { signal: readSignal });
    } catch (error) {
      if (error instanceof InvalidManifestError) onUnreadable?.({ key, problem: error.message });
      else if (!(error instanceof NotFoundError)) throw error; // deleted since the scan
      return undefined;
    }
  });
  return manifests.filter((manifest) => manifest !== undefined);
}

/** The key prefix of the store, product or model line a filter names (a product without a store scans everything). */
export function scopePrefix(keys: KeyScheme, filter: LineFilter): string {
  if (filter.store === undefined) return keys.modelsPrefix();
  if (filter.product === undefined) return keys.storePrefix(filter.store);
  if (filter.type === undefined) return keys.productPrefix(filter.store, filter.product);
  return keys.namePrefix({ store: filter.store, product: filter.product, type: filter.type });
}
