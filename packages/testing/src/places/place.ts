import { randomBytes } from 'node:crypto';
import type { ObjectStore } from '@modelreg/core';

/** Where one test registry keeps its objects, and how to remove everything it created. */
export interface Place {
  store: ObjectStore;
  /** The registry URL (`openRegistry`, the CLI's `--registry`); undefined for the in-memory store. */
  url: string | undefined;
  /** Variables a child process needs to open `url`, e.g. the S3 credentials. */
  env: Record<string, string>;
  /** Deletes the objects, folder, bucket or container this place created. */
  remove(): Promise<void>;
}

/** A name no other test registry uses, valid as an S3 bucket, an Azure container and a key prefix. */
export function uniqueName(label: string): string {
  return `modelreg-${label}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

const DELETE_BATCH = 1000;

/** Deletes every object in the store, and every write left incomplete (multipart uploads). */
export async function emptyStore(store: ObjectStore): Promise<void> {
  let batch: string[] = [];
  for await (const entry of store.list('')) {
    if (entry.type !== 'object') continue;
    batch.push(entry.key);
    if (batch.length === DELETE_BATCH) {
      await store.delete(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await store.delete(batch);
  if (!store.listIncompleteWrites || !store.removeIncompleteWrite) return;
  for await (const write of store.listIncompleteWrites('')) await store.removeIncompleteWrite(write);
}
