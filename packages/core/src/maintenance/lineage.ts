import { type CatalogSource, CatalogScan } from '../catalog/catalog-scan.js';
import type { ManifestScan, UnreadableEntry } from '../catalog/manifest-source.js';
import type { Manifest } from '../format/manifest.js';
import { formatRef, parsePinnedRef } from '../format/refs.js';

export interface LineageEntry {
  /** `store/product/type@version` */
  ref: string;
  /** The role recorded on the edge, e.g. `source`. */
  role: string;
  /** 1 for a direct dependency or dependent, 2 for one of theirs, ... */
  depth: number;
  /** The version this entry was reached from. */
  via: string;
}

/** Breadth-first walk from `start`, each node visited once (shortest depth), up to `maxDepth`. */
async function walk(start: string, maxDepth: number, next: (ref: string) => Promise<Array<{ ref: string; role: string }>>): Promise<LineageEntry[]> {
  const seen = new Set([start]);
  const found: LineageEntry[] = [];
  let frontier = [start];
  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
    const following: string[] = [];
    for (const via of frontier) {
      for (const edge of await next(via)) {
        if (seen.has(edge.ref)) continue;
        seen.add(edge.ref);
        found.push({ ...edge, depth, via });
        following.push(edge.ref);
      }
    }
    frontier = following;
  }
  return found;
}

/** The versions `manifest` was built from, transitively. */
export async function dependenciesOf(source: ManifestScan, manifest: Manifest, maxDepth: number, signal?: AbortSignal): Promise<LineageEntry[]> {
  const manifests = new Map([[formatRef(manifest), manifest]]);
  return walk(formatRef(manifest), maxDepth, async (ref) => {
    let current = manifests.get(ref);
    if (!current) {
      const pinned = parsePinnedRef(ref);
      current = await source.readManifest(pinned, pinned.version, { signal });
      manifests.set(ref, current);
    }
    return current.dependencies;
  });
}

/** The versions built from `manifest`, transitively: one catalog scan of the registry. */
export async function dependentsOf(
  source: CatalogSource,
  manifest: Manifest,
  maxDepth: number,
  signal: AbortSignal | undefined,
  onUnreadable: (entry: UnreadableEntry) => void,
): Promise<LineageEntry[]> {
  const reverse = await dependentEdges(source, signal, onUnreadable);
  return walk(formatRef(manifest), maxDepth, async (ref) => reverse.get(ref) ?? []);
}

/** For every version some other version depends on: those dependents and their roles. One catalog scan of the registry. */
export async function dependentEdges(
  source: CatalogSource,
  signal: AbortSignal | undefined,
  onUnreadable: (entry: UnreadableEntry) => void,
): Promise<Map<string, Array<{ ref: string; role: string }>>> {
  const reverse = new Map<string, Array<{ ref: string; role: string }>>();
  for await (const { name, version, dependencies } of new CatalogScan(source, { signal, onUnreadable }).summaries()) {
    for (const dependency of dependencies) {
      const edges = reverse.get(dependency.ref) ?? [];
      edges.push({ ref: formatRef({ ...name, version }), role: dependency.role });
      reverse.set(dependency.ref, edges);
    }
  }
  return reverse;
}
