import * as z from 'zod/mini';
import { parseOptions } from '../util/parse-options.js';
import { lazySchema } from '../util/lazy-schema.js';
import type { RegistryReadApi } from '../registry/types.js';
import { rangedDownloadFields } from '../blobs/ranged-download.js';

const MIB = 1024 * 1024;

const READ_API_METHODS = ['resolve', 'readManifest', 'downloadBlob'] as const;

function isRegistryReadApi(value: unknown): value is RegistryReadApi {
  const candidate = value as Record<string, unknown> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.location === 'string' && READ_API_METHODS.every((method) => typeof candidate[method] === 'function');
}

/** How much a cached file is checked before it is handed out again. */
export const VERIFY_POLICIES = ['always', 'once', 'size'] as const;
export type VerifyPolicy = (typeof VERIFY_POLICIES)[number];

export type LoaderWarning = (message: string, cause?: unknown) => void;

/** A limit of the loader cache, in bytes. */
export const cacheLimitSchema = lazySchema(() => z.int().check(z.nonnegative()));

export const loaderOptionsSchema = lazySchema(() =>
  z.strictObject({
    /** The registry to load from: a `Registry`, or any object with its read API. */
    registry: z.custom<RegistryReadApi>(isRegistryReadApi, { message: 'must be a Registry, e.g. createRegistry({ backend }), or an object with its read API' }),
    /** Folder of the disk cache; processes on one host may share it. */
    cacheDir: z.string().check(z.minLength(1)),
    /** Blob bytes kept on disk before the least recently used versions are evicted; `setCacheLimit` changes it later. @default 10 GiB */
    maxCacheBytes: z._default(cacheLimitSchema, 10 * 1024 * MIB),
    /** How long `@alias` and `@latest` resolutions are trusted without asking the store. @default 60_000 */
    aliasTtlMs: z._default(z.int().check(z.nonnegative()), 60_000),
    /** Parsed manifests kept in memory. @default 100 */
    manifestCacheSize: z._default(z.int().check(z.minimum(1)), 100),
    /**
     * When a cached file is re-hashed: `'always'` on every load; `'once'` on its first use in this
     * process, the size only afterwards; `'size'` never (only its size is checked). Downloads are
     * always verified before they appear in the cache. @default 'once'
     */
    verify: z._default(z.enum(VERIFY_POLICIES), 'once'),
    /** Artifacts of one version downloaded (or checked) at once. @default 8 */
    concurrency: z._default(z.int().check(z.minimum(1), z.maximum(256)), 8),
    ...rangedDownloadFields(),
    /**
     * Blobs at least this big are downloaded under a claim (a file lock in the cache folder), so a
     * process sharing the folder that misses the same blob at the same moment waits for this download
     * instead of repeating it. A smaller blob downloads in less time than a waiter's poll interval
     * (100 ms) at 100 MB/s, so both download it, and a cold start does not load the lock library. @default 8 MiB
     */
    claimThresholdBytes: z._default(z.int().check(z.nonnegative()), 8 * MIB),
    /**
     * fsync downloaded blobs before they are renamed into the cache. Without it a crash never leaves
     * a partial file under a blob's name, only an operating system crash can (and `verify: 'once'`
     * catches that on the next start). @default false
     */
    durable: z._default(z.boolean(), false),
    /** Receives warnings (serving a stale alias, a corrupt cached file dropped). @default process.emitWarning */
    onWarning: z.optional(z.custom<LoaderWarning>((value) => typeof value === 'function', { message: 'must be a function' })),
    /** The clock alias TTLs are measured with; for tests. @default Date.now */
    now: z.optional(z.custom<() => number>((value) => typeof value === 'function', { message: 'must be a function returning milliseconds' })),
  }),
);

export type LoaderOptions = z.input<typeof loaderOptionsSchema>;
export type ResolvedLoaderOptions = Omit<z.output<typeof loaderOptionsSchema>, 'onWarning' | 'now'> & { onWarning: LoaderWarning; now: () => number };

/** Validates loader options up front; the error names each offending field. */
export function parseLoaderOptions(options: LoaderOptions): ResolvedLoaderOptions {
  const parsed = parseOptions(loaderOptionsSchema, options, 'loader options');
  return {
    ...parsed,
    onWarning: parsed.onWarning ?? ((message) => process.emitWarning(message, { type: 'ModelregLoaderWarning' })),
    now: parsed.now ?? Date.now,
  };
}
