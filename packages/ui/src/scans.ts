import type { LineOverview, LineVersion, ModelName, UnreadableEntry } from '@modelreg/core';
import type { ApiContext } from './api-routes.js';

interface Scanned<T> {
  rows: T;
  /** Entries the scan left out because they are not valid v2 manifests. */
  skipped: UnreadableEntry[];
}

/**
 * The model lines of a store (or the whole registry), optionally of one product, with their
 * version counts: one catalog scan of the store, reused for a few seconds, so paging, filtering
 * and picking a product scan nothing again.
 */
export async function linesInScope(context: ApiContext, scope: { store?: string | undefined; product?: string | undefined }): Promise<{ lines: LineOverview[]; skipped: UnreadableEntry[] }> {
  const { rows, skipped } = await context.recent.get(['lines', scope.store ?? null], () =>
    scanned((onUnreadable) => context.registry.lineOverview({ store: scope.store }, { onUnreadable })),
  );
  return { lines: scope.product === undefined ? rows : rows.filter((line) => line.product === scope.product), skipped };
}

/** Every version of a line with its metrics, tags and sizes from one catalog scan, shared by the table, its pages and the charts. */
export async function lineVersions(context: ApiContext, line: ModelName): Promise<{ versions: LineVersion[]; skipped: UnreadableEntry[] }> {
  const { rows, skipped } = await context.recent.get(['versions', line.store, line.product, line.type], () =>
    scanned((onUnreadable) => context.registry.lineVersions(line, { onUnreadable })),
  );
  return { versions: rows, skipped };
}

/** Runs a scan without a request's signal (other requests may share it) and collects what it skipped. */
async function scanned<T>(scan: (onUnreadable: (entry: UnreadableEntry) => void) => Promise<T>): Promise<Scanned<T>> {
  const skipped: UnreadableEntry[] = [];
  return { rows: await scan((entry) => skipped.push(entry)), skipped };
}
