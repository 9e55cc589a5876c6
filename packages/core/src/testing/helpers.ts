import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { InvalidInputError } from '../backend.js';
import type { GetOptions, ListOptions, ObjectStore, OperationOptions, PutBody, PutOptions, StagedFile, StagedWrite } from '../store/object-store.js';

/** A unique key prefix per test, so tests never see each other's objects. */
export function randomPrefix(label = 't'): string {
  return `${label}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}/`;
}

/**
 * Confines a store to a key prefix: what a test writes lands under it and can be deleted as a
 * whole. Keys seen through it are relative to the prefix.
 */
export class PrefixedStore implements ObjectStore {
  constructor(
    readonly inner: ObjectStore,
    readonly prefix: string,
  ) {}

  get capabilities() {
    return this.inner.capabilities;
  }

  get description() {
    return `${this.inner.description} (prefix ${this.prefix})`;
  }

  put(key: string, body: PutBody, options?: PutOptions) {
    return this.inner.put(this.prefix + key, body, options);
  }

  get(key: string, options?: GetOptions) {
    return this.inner.get(this.prefix + key, options);
  }

  head(key: string, options?: OperationOptions) {
    return this.inner.head(this.prefix + key, options);
  }

  async *list(prefix: string, options?: ListOptions) {
    for await (const entry of this.inner.list(this.prefix + prefix, options)) {
      yield entry.type === 'object'
        ? { ...entry, key: entry.key.slice(this.prefix.length) }
        : { ...entry, prefix: entry.prefix.slice(this.prefix.length) };
    }
  }

  delete(keys: readonly string[], options?: OperationOptions) {
    return this.inner.delete(keys.map((key) => this.prefix + key), options);
  }

  touch(key: string, options?: OperationOptions) {
    return this.inner.touch(this.prefix + key, options);
  }

  get putFile(): ObjectStore['putFile'] {
    const putFile = this.inner.putFile?.bind(this.inner);
    return putFile && ((key, path, options) => putFile(this.prefix + key, path, options));
  }

  get stage(): ((options?: OperationOptions) => Promise<StagedWrite>) | undefined {
    const stage = this.inner.stage?.bind(this.inner);
    if (!stage) return undefined;
    return async (options) => {
      const staged = await stage(options);
      return { stream: staged.stream, commit: (key: string) => staged.commit(this.prefix + key), discard: () => staged.discard() };
    };
  }

  get stageFile(): ((sourcePath: string, options?: OperationOptions) => Promise<StagedFile>) | undefined {
    const stageFile = this.inner.stageFile?.bind(this.inner);
    if (!stageFile) return undefined;
    return async (sourcePath, options) => {
      const staged = await stageFile(sourcePath, options);
      return { path: staged.path, commit: (key: string) => staged.commit(this.prefix + key), discard: () => staged.discard() };
    };
  }

  get copyToFile(): ((key: string, path: string, options?: OperationOptions) => Promise<void>) | undefined {
    const copy = this.inner.copyToFile?.bind(this.inner);
    return copy && ((key, path, options) => copy(this.prefix + key, path, options));
  }

  /** Deletes everything under the prefix. */
  async clear(): Promise<void> {
    const keys: string[] = [];
    for await (const entry of this.inner.list(this.prefix)) if (entry.type === 'object') keys.push(entry.key);
    for (let i = 0; i < keys.length; i += 1000) await this.inner.delete(keys.slice(i, i + 1000));
  }
}

/**
 * A deterministic stream of `size` pseudo-random bytes produced chunk by chunk (never held whole),
 * and the sha256 of the same bytes, so a test can check a large round trip without buffering it.
 */
export function pseudoRandomStream(size: number, seed = 'modelreg', chunkBytes = 1 << 20): { stream: Readable; digest: string } {
  const base = Buffer.alloc(chunkBytes);
  let state = createHash('sha256').update(seed).digest();
  for (let offset = 0; offset < chunkBytes; offset += state.length) {
    state.copy(base, offset);
    state = createHash('sha256').update(state).digest();
  }
  // Every chunk is the seed block stamped with its index, so no two chunks are equal.
  const chunk = (index: number, length: number) => {
    const out = Buffer.from(base.subarray(0, length));
    if (length >= 4) out.writeUInt32BE(index, 0);
    return out;
  };
  const hash = createHash('sha256');
  for (let index = 0, offset = 0; offset < size; index++, offset += chunkBytes) hash.update(chunk(index, Math.min(chunkBytes, size - offset)));
  const digest = `sha256:${hash.digest('hex')}`;
  let index = 0;
  let offset = 0;
  const stream = new Readable({
    read() {
      if (offset >= size) {
        this.push(null);
        return;
      }
      const length = Math.min(chunkBytes, size - offset);
      this.push(chunk(index++, length));
      offset += length;
    },
  });
  return { stream, digest };
}

/** Counts the calls made to a store, per operation (a list counts once however many pages it reads). */
export class CountingStore implements ObjectStore {
  readonly counts = { put: 0, get: 0, head: 0, list: 0, delete: 0, touch: 0 };

  constructor(readonly inner: ObjectStore) {}

  get capabilities() {
    return this.inner.capabilities;
  }

  get description() {
    return this.inner.description;
  }

  get total(): number {
    return Object.values(this.counts).reduce((sum, count) => sum + count, 0);
  }

  reset(): void {
    for (const operation of Object.keys(this.counts) as Array<keyof CountingStore['counts']>) this.counts[operation] = 0;
  }

  put(key: string, body: PutBody, options?: PutOptions) {
    this.counts.put++;
    return this.inner.put(key, body, options);
  }

  get(key: string, options?: GetOptions) {
    this.counts.get++;
    return this.inner.get(key, options);
  }

  head(key: string, options?: OperationOptions) {
    this.counts.head++;
    return this.inner.head(key, options);
  }

  list(prefix: string, options?: ListOptions) {
    this.counts.list++;
    return this.inner.list(prefix, options);
  }

  delete(keys: readonly string[], options?: OperationOptions) {
    this.counts.delete++;
    return this.inner.delete(keys, options);
  }

  touch(key: string, options?: OperationOptions) {
    this.counts.touch++;
    return this.inner.touch(key, options);
  }
}

/** Samples `process.memoryUsage().rss` while `work` runs and returns the peak growth in bytes. */
export async function sampleMemory<T>(work: () => Promise<T>): Promise<{ result: T; peakGrowthBytes: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakGrowthBytes: peak - baseline };
  } finally {
    clearInterval(timer);
  }
}

/** The `InvalidInputError` that `construct` throws for bad options; any other outcome fails the test. */
export function invalidInputFrom(construct: () => unknown): InvalidInputError {
  try {
    construct();
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw new Error(`expected an InvalidInputError, got ${String(error)}`, { cause: error });
  }
  throw new Error('the options were accepted');
}
export { SimulatedS3Store, type SimulatedS3Options, type RequestKind } from './simulated-s3.js';
