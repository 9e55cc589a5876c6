import type { UnreadableEntry } from './manifest-source.js';
import { type CatalogSource, CatalogScan } from './catalog-scan.js';

export interface ReindexReport {
  manifests: number;
  /** Manifests whose summary came from the previous snapshot (listed with the same etag). */
  fromCatalog: number;
  /** Manifests read because the previous snapshot lacked them or had another etag. */
  read: number;
  /** The snapshot written, or undefined when nothing changed (or it could not be written: see the catalog problems reported). */
  snapshot: string | undefined;
  shardsWritten: number;
  shardsReused: number;
}

/** One writing catalog scan of the whole registry, consumed for its side effect. */
export async function reindexCatalog(
  source: CatalogSource,
  options: { signal?: AbortSignal | undefined; onUnreadable: (entry: UnreadableEntry) => void },
): Promise<ReindexReport> {
  const scan = new CatalogScan(source, { ...options, write: true });
  let manifests = 0;
  for await (const _ of scan.summaries()) manifests++;
  return {
    manifests,
    fromCatalog: scan.counts.fromCatalog,
    read: scan.counts.read,
    snapshot: scan.writeReport?.written?.key,
    shardsWritten: scan.writeReport?.shardsWritten ?? 0,
    shardsReused: scan.writeReport?.shardsReused ?? 0,
  };
}
