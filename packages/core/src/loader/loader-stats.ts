/** What a loader has done since it was created (`hits` to `evictions`), and the cache as it is now. */
export interface LoaderStats {
  /** Artifacts served from the cache. Concurrent requests for one blob count once. */
  hits: number;
  /** Artifacts downloaded because the cache lacked them (or held a corrupt copy). */
  misses: number;
  /** Blob bytes downloaded by this loader. */
  bytesDownloaded: number;
  /** Blobs this loader evicted. */
  evictions: number;
  /** Blob bytes in the cache folder now, whichever process downloaded them. */
  bytesCached: number;
  /** The cache limit in force: `maxCacheBytes`, or the last `setCacheLimit`. */
  maxCacheBytes: number;
}

/** The counting part of `LoaderStats`, updated by the blob cache and by eviction. */
export type LoaderCounters = Pick<LoaderStats, 'hits' | 'misses' | 'bytesDownloaded' | 'evictions'>;

export function newCounters(): LoaderCounters {
  return { hits: 0, misses: 0, bytesDownloaded: 0, evictions: 0 };
}
