import { type ModelName, formatName } from '../format/keys.js';
import type { Manifest } from '../format/manifest.js';
import type { AliasInfo, CallOptions } from '../registry/types.js';
import type { LineVersion } from '../registry/line-versions.js';

/**
 * One row of `modelreg ls` / `modelreg versions` and of the web view's version table: a version
 * without its artifact list. The catalog's `LineVersion` plus where the version lives and its aliases.
 */
export interface VersionSummary extends LineVersion {
  ref: string;
  store: string;
  product: string;
  type: string;
  description: string;
  /** Aliases pointing at this version now. */
  aliases: string[];
}

/** What the summaries read besides the manifests: the aliases of a model line. */
export interface AliasReader {
  aliases(name: ModelName, options?: CallOptions): Promise<AliasInfo[]>;
}

/** Manifests as summary rows, with the aliases pointing at each (one alias listing per model line). */
export async function summarizeVersions(registry: AliasReader, manifests: readonly Manifest[], options: CallOptions = {}): Promise<VersionSummary[]> {
  const lines = new Map<string, ModelName>(manifests.map((manifest) => [formatName(manifest), manifest]));
  const aliasesByLine = new Map(await Promise.all([...lines].map(async ([key, line]) => [key, await registry.aliases(line, options)] as const)));
  return manifests.map((manifest) => summarizeVersion(manifest, aliasesByLine.get(formatName(manifest)) ?? []));
}

/** One manifest as a summary row, given its line's aliases. */
export function summarizeVersion(manifest: Manifest, lineAliases: readonly AliasInfo[]): VersionSummary {
  return {
    ref: `${formatName(manifest)}@${manifest.version}`,
    store: manifest.store,
    product: manifest.product,
    type: manifest.type,
    version: manifest.version,
    createdAt: manifest.createdAt,
    description: manifest.description,
    tags: manifest.tags,
    metrics: manifest.metrics,
    artifacts: manifest.artifacts.length,
    size: manifest.artifacts.reduce((sum, artifact) => sum + artifact.size, 0),
    aliases: lineAliases.filter((alias) => alias.version === manifest.version).map((alias) => alias.alias),
  };
}
