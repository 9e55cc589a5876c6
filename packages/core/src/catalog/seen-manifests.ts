import { createHash } from 'node:crypto';

const FINGERPRINT_BYTES = 32;
const INITIAL_SLOTS = 1 << 12;

/**
 * Which manifests (key and etag, as a listing showed them) a scan has seen, in 32 bytes each: the
 * sha256 of key and etag, in an open-addressing hash table kept at most half full (64 bytes per
 * manifest, 64 MiB per million; half as much again for a moment while it doubles). Lets gc's
 * second pass skip what its first saw without holding every key, and without reading the catalog
 * again. sha256 fingerprints are trusted here exactly as content addressing trusts them for blobs.
 */
export class SeenManifests {
  #slots = Buffer.alloc(INITIAL_SLOTS * FINGERPRINT_BYTES);
  #used = new Uint8Array(INITIAL_SLOTS);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(path: string, etag: string): void {
    if (2 * (this.#size + 1) > this.#used.length) this.#grow();
    if (this.#insert(fingerprint(path, etag))) this.#size++;
  }

  has(path: string, etag: string): boolean {
    const print = fingerprint(path, etag);
    const mask = this.#used.length - 1;
    // The fingerprint is uniformly distributed, so its first bytes serve as the slot's hash.
    for (let slot = print.readUInt32BE(0) & mask; this.#used[slot]; slot = (slot + 1) & mask) {
      if (print.compare(this.#slots, slot * FINGERPRINT_BYTES, (slot + 1) * FINGERPRINT_BYTES) === 0) return true;
    }
    return false;
  }

  /** Inserts a fingerprint unless present; true when it was new. */
  #insert(print: Buffer): boolean {
    const mask = this.#used.length - 1;
    let slot = print.readUInt32BE(0) & mask;
    for (; this.#used[slot]; slot = (slot + 1) & mask) {
      if (print.compare(this.#slots, slot * FINGERPRINT_BYTES, (slot + 1) * FINGERPRINT_BYTES) === 0) return false;
    }
    print.copy(this.#slots, slot * FINGERPRINT_BYTES);
    this.#used[slot] = 1;
    return true;
  }

  #grow(): void {
    const slots = this.#slots;
    const used = this.#used;
    this.#slots = Buffer.alloc(slots.length * 2);
    this.#used = new Uint8Array(used.length * 2);
    for (let slot = 0; slot < used.length; slot++) {
      if (used[slot]) this.#insert(slots.subarray(slot * FINGERPRINT_BYTES, (slot + 1) * FINGERPRINT_BYTES));
    }
  }
}

function fingerprint(path: string, etag: string): Buffer {
  // A newline cannot occur in a manifest key, so key and etag never run into each other ambiguously.
  return createHash('sha256').update(path).update('\n').update(etag).digest();
}
