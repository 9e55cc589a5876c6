import { NotFoundError } from '../errors.js';
import type { ObjectStore } from './object-store.js';
import { readAll } from '../util/streams.js';

/** Small JSON documents (manifests, aliases) are read whole; anything larger is not ours. */
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** A JSON document's bytes and etag, or undefined when the key does not exist. */
export async function readDocument(store: ObjectStore, key: string, signal: AbortSignal | undefined): Promise<{ bytes: Buffer; etag: string } | undefined> {
  try {
    const object = await store.get(key, { signal });
    return { bytes: await readAll(object.body, signal, MAX_DOCUMENT_BYTES), etag: object.etag };
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
