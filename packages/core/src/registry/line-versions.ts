import type { ModelName } from '../format/keys.js';
import { type CatalogSource, CatalogScan } from '../catalog/catalog-scan.js';
import type { ScanCallOptions } from './types.js';

/** One version of a model line as the catalog summarizes it: what tables and charts need, without the manifest. */
export interface LineVersion {
  version: number;
  createdAt: string;
  metrics: Record<string, number>;
  tags: Record<string, string>;
  /** How many artifacts the version has. */
  artifacts: number;
  /** Sum of the artifact sizes, in bytes. */
  size: number;
}

/**
 * Every version of one model line, ascending, from one catalog scan of the line: one listing, the
 * snapshot's shard for the line, and a read of each manifest the snapshot lacks (all of them when
 * no snapshot exists yet; `stats`, `gc` and `reindex` write one).
 */
export async function lineVersions(source: CatalogSource, line: ModelName, options: ScanCallOptions): Promise<LineVersion[]> {
  const scan = new CatalogScan(source, { prefix: source.keys.namePrefix(line), signal: options.signal, onUnreadable: options.onUnreadable });
  const versions: LineVersion[] = [];
  for await (const { version, createdAt, metrics, tags, artifacts } of scan.summaries()) {
    versions.push({ version, createdAt, metrics, tags, artifacts: artifacts.length, size: artifacts.reduce((sum, artifact) => sum + artifact.size, 0) });
  }
  // Version folders list in key order ("10" before "9").
  return versions.sort((a, b) => a.version - b.version);
}
