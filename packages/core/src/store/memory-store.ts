import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { NotFoundError, PreconditionFailedError, throwIfAborted } from '../errors.js';
import type {
  GetOptions, GetResult, ListEntry, ListOptions, ObjectInfo, ObjectStore, OperationOptions, PutBody, PutOptions, PutResult, StoreCapabilities,
} from './object-store.js';
import { compareKeys } from './key-order.js';
import { readAll } from '../util/streams.js';
import { READ_CHUNK_BYTES } from '../util/streams.js';

interface StoredObject {
  data: Buffer;
  etag: string;
  lastModified: Date;
  contentType: string | undefined;
}

/**
 * A complete `ObjectStore` kept in process memory: for unit tests and short-lived scripts.
 * Conditional writes are atomic because every check and write happens in one turn of the event loop.
 */
export class MemoryStore implements ObjectStore {
  readonly capabilities: StoreCapabilities = { conditionalWrites: true, staging: false, boundedMemory: false, fileCopy: false };
  readonly description = 'memory store';
  private readonly objects = new Map<string, StoredObject>();
  /** Every key in byte order: built by the first listing, then kept up to date by puts and deletes. */
  private sortedKeys: string[] | undefined;
  /** Listings iterating over `sortedKeys` now: an edit meanwhile goes to a copy, so they see the keys as they were. */
  private openListings = 0;

  async put(key: string, body: PutBody, options: PutOptions = {}): Promise<PutResult> {
    throwIfAborted(options.signal, key);
    const data = body instanceof Readable ? await readAll(body, options.signal) : Buffer.from(body);
    throwIfAborted(options.signal, key);
    const current = this.objects.get(key);
    if (options.ifNoneMatch === '*' && current) throw new PreconditionFailedError(`Object ${key} already exists`, { key });
    if (options.ifMatch !== undefined && current?.etag !== options.ifMatch) {
      throw new PreconditionFailedError(`Object ${key} ${current ? 'changed' : 'does not exist'}: etag ${options.ifMatch} no longer matches`, { key });
    }
    const etag = randomUUID();
    if (!current) this.editSortedKeys((sorted) => sorted.splice(firstAtOrAfter(sorted, key), 0, key));
    this.objects.set(key, { data, etag, lastModified: new Date(), contentType: options.contentType });
    return { etag };
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    throwIfAborted(options.signal, key);
    const object = this.require(key);
    const start = options.range?.offset ?? 0;
    const end = options.range?.length === undefined ? object.data.length : start + options.range.length;
    return { ...this.info(object), body: Readable.from(chunksOf(object.data.subarray(start, end))) };
  }

  async head(key: string, options: OperationOptions = {}): Promise<ObjectInfo | undefined> {
    throwIfAborted(options.signal, key);
    const object = this.objects.get(key);
    return object && this.info(object);
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ListEntry> {
    const keys = (this.sortedKeys ??= [...this.objects.keys()].sort(compareKeys));
    this.openListings++;
    try {
      yield* this.entriesOf(keys, prefix, options);
    } finally {
      this.openListings--;
    }
  }

  private *entriesOf(keys: readonly string[], prefix: string, options: ListOptions): Generator<ListEntry> {
    let lastPrefix: string | undefined;
    for (let i = firstAtOrAfter(keys, prefix); i < keys.length && keys[i]!.startsWith(prefix); i++) {
      const key = keys[i]!;
      throwIfAborted(options.signal, prefix);
      const slash = options.delimiter ? key.indexOf(options.delimiter, prefix.length) : -1;
      if (slash !== -1) {
        const common = key.slice(0, slash + 1);
        if (common !== lastPrefix) yield { type: 'prefix', prefix: (lastPrefix = common) };
        continue;
      }
      const object = this.objects.get(key);
      if (object) yield { type: 'object', key, ...this.info(object) };
    }
  }

  async delete(keys: readonly string[], options: OperationOptions = {}): Promise<void> {
    throwIfAborted(options.signal);
    for (const key of keys) if (this.objects.delete(key)) this.editSortedKeys((sorted) => sorted.splice(firstAtOrAfter(sorted, key), 1));
  }

  async touch(key: string, options: OperationOptions = {}): Promise<void> {
    throwIfAborted(options.signal, key);
    this.require(key).lastModified = new Date();
  }

  private editSortedKeys(edit: (sorted: string[]) => void): void {
    if (!this.sortedKeys) return;
    if (this.openListings > 0) this.sortedKeys = this.sortedKeys.slice();
    edit(this.sortedKeys);
  }

  /** Test hook: overwrite stored bytes in place, as a disk fault or an attacker would, keeping etag and date. */
  corrupt(key: string, data: Buffer): void {
    this.require(key).data = data;
  }

  /** Test hook: age an object, as if written `ms` milliseconds earlier. */
  backdate(key: string, ms: number): void {
    const object = this.require(key);
    object.lastModified = new Date(object.lastModified.getTime() - ms);
  }

  private require(key: string): StoredObject {
    const object = this.objects.get(key);
    if (!object) throw new NotFoundError(`Object ${key} does not exist`, { key });
    return object;
  }

  private info(object: StoredObject): ObjectInfo {
    return { size: object.data.length, etag: object.etag, lastModified: object.lastModified };
  }
}

/** Index of the first key not below `prefix` (or a key) in byte order (binary search). */
function firstAtOrAfter(sortedKeys: readonly string[], prefix: string): number {
  let low = 0;
  let high = sortedKeys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareKeys(sortedKeys[middle]!, prefix) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Views of `data` in read-sized chunks (no copies): a reader sees a stream as from any real store. */
function* chunksOf(data: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < data.length; offset += READ_CHUNK_BYTES) yield data.subarray(offset, offset + READ_CHUNK_BYTES);
}
