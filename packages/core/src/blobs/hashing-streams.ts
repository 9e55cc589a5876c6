import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { IntegrityError } from '../errors.js';
import { type Digest, digestFromHex } from '../format/digest.js';

/** A pass-through stream that hashes and counts what flows through it. */
export class HashingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  private result: Digest | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.result = digestFromHex(this.hash.digest('hex'));
    callback();
  }

  get size(): number {
    return this.bytes;
  }

  /** Available once the stream has ended. */
  get digest(): Digest {
    if (this.result === undefined) throw new Error('HashingStream.digest read before the stream ended');
    return this.result;
  }
}

/**
 * A pass-through stream that fails with `IntegrityError` unless exactly `size` bytes hashing to
 * `digest` flow through. Oversized bodies fail as soon as they overflow.
 */
export class VerifyingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;

  constructor(
    private readonly expected: { digest: Digest; size: number },
    private readonly label: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.expected.size) {
      callback(this.mismatch(`more than the ${this.expected.size} bytes recorded`));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.bytes !== this.expected.size) {
      callback(this.mismatch(`${this.bytes} bytes instead of the ${this.expected.size} recorded`));
      return;
    }
    const actual = digestFromHex(this.hash.digest('hex'));
    callback(actual === this.expected.digest ? null : this.mismatch(`content hashes to ${actual}`));
  }

  private mismatch(problem: string): IntegrityError {
    return digestMismatch(this.expected.digest, this.label, problem);
  }
}

/** The error for bytes read back that are not the blob they claim to be. */
export function digestMismatch(expected: Digest, label: string, problem: string): IntegrityError {
  return new IntegrityError(
    `${label} does not match ${expected}: ${problem}. The stored blob is corrupt or was tampered with; run verify and push the file again.`,
    { key: label },
  );
}
