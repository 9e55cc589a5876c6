import type { ModelName, Registry, UnreadableEntry } from '@modelreg/core';
import { LRUCache } from 'lru-cache';

/** How long a listing of model lines is reused: paging and filtering one store within it list nothing again. */
const LINE_LIST_TTL_MS = 5_000;

export interface LineList {
  lines: ModelName[];
  skipped: UnreadableEntry[];
}

/**
 * The model lines of a store (or product), listed at most once per few seconds. Listing every
 * line of a store walks its folders, which on a big store costs far more than one page of
 * summaries; a line pushed meanwhile shows up within `LINE_LIST_TTL_MS`.
 */
export class LineListCache {
  readonly #lists = new LRUCache<string, Promise<LineList>>({ max: 64, ttl: LINE_LIST_TTL_MS });

  constructor(private readonly registry: Registry) {}

  list(scope: { store?: string | undefined; product?: string | undefined }): Promise<LineList> {
    const key = JSON.stringify([scope.store ?? null, scope.product ?? null]);
    let list = this.#lists.get(key);
    if (!list) {
      const skipped: UnreadableEntry[] = [];
      list = this.registry.lines(scope, { onUnreadable: (entry) => skipped.push(entry) }).then((lines) => ({ lines, skipped }));
      this.#lists.set(key, list);
      list.catch(() => this.#lists.delete(key));
    }
    return list;
  }
}
