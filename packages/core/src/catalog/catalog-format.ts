import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { artifactNameSchema, dependencySchema, digestSchema } from '../format/manifest.js';
import type { KeyScheme } from '../format/keys.js';
import { compareKeys } from '../store/key-order.js';
import { describeIssues } from '../util/parse-options.js';

/**
 * The catalog's storage format (docs/catalog.md): immutable snapshots under `<prefix>/catalog/`.
 * A snapshot is a small index naming its shards; a shard holds the summaries of one contiguous
 * key range of manifests, in key order. Nothing here is the truth: readers check every summary
 * against a listing of the manifests themselves.
 */

/** What a registry-wide operation needs from one manifest, without reading it. */
export const catalogEntrySchema = z.strictObject({
  /** The manifest's key relative to the registry prefix (`models/<store>/<product>/<type>/<version>/manifest.json`). */
  path: z.string().min(1),
  /** The etag the manifest had when it was read: the entry is used only while the listing shows the same one. */
  etag: z.string().min(1),
  /** Bytes of the manifest object. */
  size: z.number().int().nonnegative(),
  createdAt: z.string(),
  metrics: z.record(z.string(), z.number()),
  tags: z.record(z.string(), z.string()),
  artifacts: z.array(z.strictObject({ name: artifactNameSchema, digest: digestSchema, size: z.number().int().nonnegative() })),
  dependencies: z.array(dependencySchema),
});
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;

const shardSchema = z.strictObject({
  format: z.literal('modelreg-catalog-shard'),
  formatVersion: z.literal(1),
  entries: z.array(catalogEntrySchema),
});

const shardRefSchema = z.strictObject({
  /** Object name under `catalog/shards/`: the sha256 of the shard's uncompressed JSON, so equal shards share one object. */
  id: z.string().regex(/^[0-9a-f]{64}$/),
  firstPath: z.string().min(1),
  lastPath: z.string().min(1),
  entries: z.number().int().positive(),
});
export type ShardRef = z.infer<typeof shardRefSchema>;

export const snapshotSchema = z.strictObject({
  format: z.literal('modelreg-catalog'),
  formatVersion: z.literal(1),
  createdAt: z.iso.datetime(),
  manifests: z.number().int().nonnegative(),
  shards: z.array(shardRefSchema),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

/** Refuse to inflate a shard beyond this (the writer caps shards at 4 x the target number of entries). */
const MAX_SHARD_BYTES = 256 * 1024 * 1024;

/** Where catalog objects live under a registry. */
export class CatalogKeys {
  constructor(private readonly keys: KeyScheme) {}

  snapshotsPrefix(): string {
    return `${this.keys.rootPrefix()}catalog/snapshots/`;
  }

  shardsPrefix(): string {
    return `${this.keys.rootPrefix()}catalog/shards/`;
  }

  /** Names sort by creation time (zero-padded milliseconds), so the newest is the last in a listing. */
  newSnapshotKey(now: number, random: string): string {
    return `${this.snapshotsPrefix()}${String(now).padStart(15, '0')}-${random}.json`;
  }

  shardKey(id: string): string {
    return `${this.shardsPrefix()}${id}.json.gz`;
  }

  /** A manifest key as the catalog stores it (relative, so a copied registry keeps a usable catalog). */
  pathOf(key: string): string {
    return key.slice(this.keys.rootPrefix().length);
  }

  keyOf(path: string): string {
    return this.keys.rootPrefix() + path;
  }
}

/** A shard's bytes (gzipped JSON) and its id (the sha256 of the JSON, so identical shards are written once). */
export function encodeShard(entries: readonly CatalogEntry[]): { id: string; bytes: Buffer } {
  const json = Buffer.from(JSON.stringify({ format: 'modelreg-catalog-shard', formatVersion: 1, entries }));
  return { id: createHash('sha256').update(json).digest('hex'), bytes: gzipSync(json) };
}

/** Decodes a shard and checks it is the one `ref` names (hash, count, key range, order); throws `Error` naming the problem. */
export function decodeShard(bytes: Buffer, ref: ShardRef): CatalogEntry[] {
  const json = gunzipSync(bytes, { maxOutputLength: MAX_SHARD_BYTES });
  if (createHash('sha256').update(json).digest('hex') !== ref.id) throw new Error('its content does not match its name');
  const result = shardSchema.safeParse(JSON.parse(json.toString('utf8')));
  if (!result.success) throw new Error(describeIssues(result.error));
  const { entries } = result.data;
  if (entries.length !== ref.entries || entries[0]?.path !== ref.firstPath || entries.at(-1)?.path !== ref.lastPath) {
    throw new Error('its entries do not match the snapshot index');
  }
  for (let i = 1; i < entries.length; i++) {
    if (compareKeys(entries[i - 1]!.path, entries[i]!.path) >= 0) throw new Error('its entries are not in key order');
  }
  return entries;
}

/** Validates a snapshot index: zod shape plus shards in key order without overlap. */
export function decodeSnapshot(bytes: Buffer): Snapshot {
  const result = snapshotSchema.safeParse(JSON.parse(bytes.toString('utf8')));
  if (!result.success) throw new Error(describeIssues(result.error));
  const { shards } = result.data;
  for (let i = 0; i < shards.length; i++) {
    const shard = shards[i]!;
    if (compareKeys(shard.firstPath, shard.lastPath) > 0) throw new Error(`shard ${shard.id} has its range reversed`);
    if (i > 0 && compareKeys(shards[i - 1]!.lastPath, shard.firstPath) >= 0) throw new Error('its shards overlap or are out of order');
  }
  if (shards.reduce((sum, shard) => sum + shard.entries, 0) !== result.data.manifests) throw new Error('its manifest count does not add up');
  return result.data;
}

/**
 * Whether a shard ends after the entry at `path`: when the path hashes to 0 modulo `target` (so
 * shards hold about `target` entries), or at 4 x `target`. The hash (FNV-1a) is stable across runs
 * and machines, so boundaries stay put when entries elsewhere change and unchanged shards are reused.
 */
export function endsShard(path: string, entriesSoFar: number, target: number): boolean {
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193) >>> 0;
  return hash % target === 0 || entriesSoFar >= 4 * target;
}
