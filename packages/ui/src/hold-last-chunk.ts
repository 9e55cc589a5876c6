import { Transform, type TransformCallback } from 'node:stream';

/**
 * Passes bytes on one chunk late, and the last chunk only once its source has ended cleanly. A
 * verifying stream reports a digest mismatch when it ends, after every byte went by: behind this
 * stream, the response is then still one chunk short of its Content-Length when it is cut, so
 * the client sees a failed transfer, never a complete-looking corrupt file. Holds one chunk.
 */
export class HoldLastChunk extends Transform {
  #held: Buffer | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const previous = this.#held;
    this.#held = chunk;
    callback(null, previous);
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.#held);
  }
}
