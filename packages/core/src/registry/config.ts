import * as z from 'zod/mini';
import { encodeId } from '../format/ids.js';
import { normalizePrefix } from '../format/keys.js';
import { jsonValueSchema } from '../format/manifest.js';
import { parseOptions } from '../util/parse-options.js';
import { lazySchema } from '../util/lazy-schema.js';
import type { ObjectStore } from '../store/object-store.js';
import { rangedDownloadFields } from '../blobs/ranged-download.js';

function isObjectStore(value: unknown): value is ObjectStore {
  const store = value as Partial<ObjectStore> | null;
  return (
    typeof store === 'object' && store !== null &&
    ['put', 'get', 'head', 'list', 'delete', 'touch'].every((method) => typeof (store as Record<string, unknown>)[method] === 'function') &&
    typeof store.capabilities === 'object'
  );
}

const idSchema = (kind: 'type') =>
  z.string().check(
    z.superRefine((id, ctx) => {
      try {
        encodeId(id, kind);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
  );

export const modelTypeConfigSchema = lazySchema(() =>
  z.strictObject({
    /** Params merged under every push of this type (the push's own params win). @default {} */
    defaultParams: z._default(z.record(z.string(), jsonValueSchema), {}),
    description: z.optional(z.string()),
  }),
);

/** A key prefix such as `team-a/prod`, checked and returned without surrounding slashes; shared by backend options. */
export const prefixSchema = lazySchema(() =>
  z.pipe(
    z._default(z.string(), ''),
    z.transform((prefix: string, ctx) => {
      try {
        return normalizePrefix(prefix);
      } catch (error) {
        ctx.issues.push({ code: 'custom', message: (error as Error).message, input: prefix });
        return z.NEVER;
      }
    }),
  ),
);

export const registryConfigSchema = lazySchema(() =>
  z.strictObject({
    /** Where bytes live: any `ObjectStore` (local folder, S3, Azure, in-memory). */
    backend: z.custom<ObjectStore>(isObjectStore, { message: 'must be an ObjectStore, e.g. new LocalStore({ root }) or new MemoryStore()' }),
    /** Key prefix under which the registry keeps `models/` and `blobs/`, e.g. `team-a`. @default '' */
    prefix: prefixSchema,
    /** When set, only these model types may be pushed, each with its default params. @default undefined (any type) */
    modelTypes: z.optional(z.record(idSchema('type'), modelTypeConfigSchema)),
    /** Blobs moved at once by push, pull and other bulk work. @default 4 */
    concurrency: z._default(z.int().check(z.minimum(1), z.maximum(256)), 4),
    /** How `pull` downloads large blobs: parallel ranged GETs, see {@link rangedDownloadFields}. */
    ...rangedDownloadFields(),
    /** Unreferenced blobs younger than this are never garbage-collected. @default 86_400_000 (24 h) */
    gcGracePeriodMs: z._default(z.int().check(z.minimum(1000)), 24 * 60 * 60 * 1000),
    /** Versions kept per model line by retention when the call names no number. @default undefined (keep all) */
    retention: z.optional(z.strictObject({ keep: z.int().check(z.minimum(1)) })),
    /** Whether a bigger value is better, per metric name, for compare(); merged over the defaults (rmse lower, auc higher, ...). @default {} */
    metricDirections: z._default(z.record(z.string().check(z.minLength(1)), z.enum(['higher', 'lower'])), {}),
    /** Alias moves remembered for `rollback` and auditing. @default 100 */
    aliasHistoryLimit: z._default(z.int().check(z.minimum(2), z.maximum(10_000)), 100),
    /** Where streams of unknown length are spooled while hashed. @default os.tmpdir() */
    tempDir: z.optional(z.string().check(z.minLength(1))),
    /**
     * Allow pushing to a store that does not enforce conditional writes. Concurrent pushes to one
     * model line may then overwrite each other's versions: only for single-writer setups. @default false
     */
    allowUnsafeStore: z._default(z.boolean(), false),
    /** The catalog of manifest summaries that gc, stats, verify and filtered listings read instead of every manifest (docs/catalog.md). */
    catalog: z._default(
      z.strictObject({
        /** Read catalog snapshots, and let gc, stats and reindex write them. Off: every registry-wide operation reads every manifest. @default true */
        enabled: z._default(z.boolean(), true),
        /** About this many manifests per shard object (at most 4 x). @default 8192 */
        shardEntries: z._default(z.int().check(z.minimum(16), z.maximum(1_000_000)), 8192),
        /** Receives each catalog object found corrupt or missing (it only costs speed). @default a process warning */
        onProblem: z.optional(z.custom<(problem: { key: string; problem: string }) => void>((value) => typeof value === 'function', { message: 'must be a function' })),
      }),
      { enabled: true, shardEntries: 8192 },
    ),
  }),
);

export type RegistryConfig = z.input<typeof registryConfigSchema>;
export type ResolvedRegistryConfig = z.output<typeof registryConfigSchema>;

/** Validates a registry config up front; the error names each offending field. */
export function parseRegistryConfig(config: RegistryConfig): ResolvedRegistryConfig {
  return parseOptions(registryConfigSchema, config, 'registry config');
}
