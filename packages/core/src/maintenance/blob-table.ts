import { type Digest, digestHex } from '../format/digest.js';
import type { KeyScheme } from '../format/keys.js';
import type { ObjectStore } from '../store/object-store.js';

/** Blobs per chunk: the table grows a chunk at a time, never by copying what it holds. */
const CHUNK = 1 << 16;
const DIGEST_BYTES = 32;

export interface ListedBlob {
  digest: Digest;
  key: string;
  size: number;
  lastModified: number;
}

/**
 * The blobs a gc listed, held compactly so a registry of millions of blobs fits in tens of MiB:
 * per blob 32 bytes of binary digest, 8 of size, 8 of lastModified and one bit "referenced"
 * (about 48 bytes, against some 300 as a Map of strings and objects). Kept in digest order, the
 * order blob keys list in, so a reference is found by binary search.
 */
export class BlobTable {
  readonly #digests: Buffer[] = [];
  readonly #sizes: Float64Array[] = [];
  readonly #modified: Float64Array[] = [];
  readonly #referenced: Uint8Array[] = [];
  #count = 0;
  #referencedCount = 0;

  private constructor(private readonly keys: KeyScheme) {}

  /** Lists every blob of the registry. */
  static async list(store: ObjectStore, keys: KeyScheme, signal: AbortSignal | undefined): Promise<BlobTable> {
    const table = new BlobTable(keys);
    let ordered = true;
    for await (const entry of store.list(keys.blobsPrefix(), { signal })) {
      if (entry.type !== 'object') continue;
      const parsed = keys.parse(entry.key);
      if (parsed.kind !== 'blob') continue;
      const digest = binaryDigest(parsed.digest);
      if (table.#count > 0 && digest.compare(table.#digestAt(table.#count - 1)) <= 0) ordered = false;
      table.#append(digest, entry.size, entry.lastModified.getTime());
    }
    // Every backend lists in byte order, and blob keys then come in digest order; a store that does not is sorted here.
    if (!ordered) table.#sort();
    return table;
  }

  /** Blobs listed. */
  get size(): number {
    return this.#count;
  }

  /** Listed blobs marked referenced. */
  get referencedCount(): number {
    return this.#referencedCount;
  }

  /** Marks a listed blob referenced; false when the digest was not listed (absent, or stored after the listing). */
  markReferenced(digest: Digest): boolean {
    const index = this.#find(binaryDigest(digest));
    if (index < 0) return false;
    const chunk = this.#referenced[index >>> 16]!;
    const bit = 1 << (index & 7);
    const byte = (index & (CHUNK - 1)) >>> 3;
    if ((chunk[byte]! & bit) === 0) {
      chunk[byte]! |= bit;
      this.#referencedCount++;
    }
    return true;
  }

  /** Listed blobs not marked referenced, in digest order. */
  *unreferenced(): Generator<ListedBlob> {
    for (let index = 0; index < this.#count; index++) {
      const chunk = index >>> 16;
      const within = index & (CHUNK - 1);
      if ((this.#referenced[chunk]![within >>> 3]! & (1 << (index & 7))) !== 0) continue;
      const digest: Digest = `sha256:${this.#digestAt(index).toString('hex')}`;
      yield { digest, key: this.keys.blobKey(digest), size: this.#sizes[chunk]![within]!, lastModified: this.#modified[chunk]![within]! };
    }
  }

  #append(digest: Buffer, size: number, lastModified: number): void {
    const chunk = this.#count >>> 16;
    const within = this.#count & (CHUNK - 1);
    if (within === 0) {
      this.#digests.push(Buffer.alloc(CHUNK * DIGEST_BYTES));
      this.#sizes.push(new Float64Array(CHUNK));
      this.#modified.push(new Float64Array(CHUNK));
      this.#referenced.push(new Uint8Array(CHUNK / 8));
    }
    digest.copy(this.#digests[chunk]!, within * DIGEST_BYTES);
    this.#sizes[chunk]![within] = size;
    this.#modified[chunk]![within] = lastModified;
    this.#count++;
  }

  #digestAt(index: number): Buffer {
    const offset = (index & (CHUNK - 1)) * DIGEST_BYTES;
    return this.#digests[index >>> 16]!.subarray(offset, offset + DIGEST_BYTES);
  }

  #find(digest: Buffer): number {
    let low = 0;
    let high = this.#count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const order = this.#digestAt(middle).compare(digest);
      if (order === 0) return middle;
      if (order < 0) low = middle + 1;
      else high = middle;
    }
    return -1;
  }

  /** Before any mark: reorders the records by digest. */
  #sort(): void {
    const order = Array.from({ length: this.#count }, (_, index) => index).sort((a, b) => this.#digestAt(a).compare(this.#digestAt(b)));
    const records = order.map((index) => ({
      digest: Buffer.from(this.#digestAt(index)),
      size: this.#sizes[index >>> 16]![index & (CHUNK - 1)]!,
      lastModified: this.#modified[index >>> 16]![index & (CHUNK - 1)]!,
    }));
    for (const list of [this.#digests, this.#sizes, this.#modified, this.#referenced]) list.length = 0;
    this.#count = 0;
    for (const record of records) this.#append(record.digest, record.size, record.lastModified);
  }
}

function binaryDigest(digest: Digest): Buffer {
  return Buffer.from(digestHex(digest), 'hex');
}
