import { z } from 'zod';
import type { Digest } from '../format/digest.js';
import type { KeyScheme, ModelName } from '../format/keys.js';
import { digestSchema } from '../format/manifest.js';
import type { ObjectStore } from '../store/object-store.js';
import { readDocument } from '../store/read-document.js';
import { parseOptions } from '../util/parse-options.js';
import { PUSH_LEASE_TTL_MS, WRITE_RECORDS_KEPT_MS } from './push-lease.js';

const linesSchema = z.array(z.object({ store: z.string(), product: z.string(), type: z.string() }));
// `lines` is absent in schema version 1 leases, written by clients from before commit records.
const leaseSchema = z.object({ digests: z.array(digestSchema), lines: linesSchema.optional() });
const commitRecordSchema = z.object({ lines: linesSchema });

/** What the push leases and commit records tell a gc (docs/gc.md, step 3). */
export interface WriteFindings {
  /** Digests of live leases: referenced, whatever the manifests say. */
  liveDigests: Digest[];
  /** Lines that writes finished or abandoned since the gc began marking may have committed into: listed again. */
  linesToList: ModelName[];
  /** A lease of an older client, which leaves no commit record, was seen: only a listing of every line is safe. */
  listEverything: boolean;
}

export interface WriteScanOptions {
  /** The store's clock now, as the gc knows it. */
  now: number;
  /** The store's clock when the gc began marking, or earlier. */
  markedSince: number;
  /** Remove leases and records kept long enough (not in a dry run). */
  removeOld: boolean;
  signal: AbortSignal | undefined;
}

/**
 * Lists the push leases and commit records, and reads those that matter to this gc: live leases;
 * commit records written since it began marking (a write commits before it writes its record); and
 * abandoned leases whose write may have committed since then (within a lease's life after its
 * last refresh). Leases and records older than `WRITE_RECORDS_KEPT_MS` are removed.
 */
export async function scanWrites(store: ObjectStore, keys: KeyScheme, options: WriteScanOptions): Promise<WriteFindings> {
  const { now, markedSince, signal } = options;
  const findings: WriteFindings = { liveDigests: [], linesToList: [], listEverything: false };
  const old: string[] = [];
  for await (const { key, written } of objectsUnder(store, keys.pushLeasesPrefix(), signal)) {
    if (written < now - WRITE_RECORDS_KEPT_MS) old.push(key);
    const live = written >= now - PUSH_LEASE_TTL_MS;
    if (!live && written < markedSince - PUSH_LEASE_TTL_MS) continue;
    const lease = await readJson(store, key, leaseSchema, 'push lease', signal);
    if (!lease) continue; // its write committed nothing, or (an older client) committed and removed it
    if (!lease.lines) findings.listEverything = true;
    if (live) findings.liveDigests.push(...lease.digests);
    else findings.linesToList.push(...(lease.lines ?? []));
  }
  // Records after leases: a writer writes its record before it deletes its lease, so a lease this
  // listing missed has its record in place before the next listing begins.
  for await (const { key, written } of objectsUnder(store, keys.commitRecordsPrefix(), signal)) {
    if (written < now - WRITE_RECORDS_KEPT_MS) old.push(key);
    if (written < markedSince) continue;
    const record = await readJson(store, key, commitRecordSchema, 'commit record', signal);
    findings.linesToList.push(...(record?.lines ?? []));
  }
  if (options.removeOld && old.length > 0) await store.delete(old, { signal });
  return findings;
}

async function* objectsUnder(store: ObjectStore, prefix: string, signal: AbortSignal | undefined): AsyncIterable<{ key: string; written: number }> {
  for await (const entry of store.list(prefix, { signal })) {
    if (entry.type === 'object') yield { key: entry.key, written: entry.lastModified.getTime() };
  }
}

/** A small JSON document; undefined once removed. */
async function readJson<T>(store: ObjectStore, key: string, schema: z.ZodType<T>, what: string, signal: AbortSignal | undefined): Promise<T | undefined> {
  const document = await readDocument(store, key, signal);
  return document && parseOptions(schema, JSON.parse(document.bytes.toString('utf8')), `${what} ${key}`);
}
