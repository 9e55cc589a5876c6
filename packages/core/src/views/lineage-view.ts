import type { RefInput } from '../format/refs.js';
import type { LineageEntry } from '../maintenance/lineage.js';
import type { CallOptions, ResolvedVersion, ScanCallOptions } from '../registry/types.js';

export type LineageDirection = 'dependencies' | 'dependents';

/** What `modelreg lineage --json` prints and the web view's lineage graph draws. */
export interface LineageView {
  ref: string;
  direction: LineageDirection;
  entries: LineageEntry[];
}

export interface LineageReader {
  resolve(ref: RefInput, options?: CallOptions): Promise<ResolvedVersion>;
  dependencies(ref: RefInput, options?: CallOptions & { maxDepth?: number }): Promise<LineageEntry[]>;
  dependents(ref: RefInput, options?: ScanCallOptions & { maxDepth?: number }): Promise<LineageEntry[]>;
}

/** The versions a version was built from (`dependencies`) or that were built from it (`dependents`, a scan of every manifest). */
export async function lineageView(
  registry: LineageReader,
  ref: RefInput,
  direction: LineageDirection,
  options: ScanCallOptions & { maxDepth?: number } = {},
): Promise<LineageView> {
  const { ref: resolved } = await registry.resolve(ref, options);
  const entries = direction === 'dependents' ? await registry.dependents(resolved, options) : await registry.dependencies(resolved, options);
  return { ref: resolved, direction, entries };
}
