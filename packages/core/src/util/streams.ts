import { PassThrough, type Readable, Transform, pipeline } from 'node:stream';
import { InvalidInputError, throwIfAborted } from '../errors.js';

/** Big reads: fewer syscalls and callbacks than the 64 KiB default, still bounded. */
export const READ_CHUNK_BYTES = 1 << 20;

/**
 * Reads a whole stream into memory. Only for small objects (manifests, aliases) and the in-memory
 * store: model files are always streamed.
 */

export async function readAll(stream: Readable, signal?: AbortSignal, maxBytes = Number.POSITIVE_INFINITY): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    throwIfAborted(signal);
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    total += buffer.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new InvalidInputError(`Refusing to read more than ${maxBytes} bytes into memory; stream it instead.`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}

/**
 * `stream` as it is, reporting the running total of bytes that passed through to `onBytes`; errors
 * of either side reach the consumer, and destroying the result stops the source.
 */
export function withByteCount(stream: Readable, onBytes: ((total: number) => void) | undefined): Readable {
  if (!onBytes) return stream;
  let total = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      onBytes(total);
      callback(null, chunk);
    },
  });
  pipeline(stream, counter, () => {});
  return counter;
}

/**
 * Passes a backend's download body through, turning a failure mid-stream into the error `translate`
 * makes of it; a consumer that stops early ends the download too. Piped, not re-yielded: an async
 * iterator would add a promise per network chunk.
 */
export function withTranslatedErrors(body: Readable, translate: (error: unknown) => Error): Readable {
  const out = new PassThrough();
  body.once('error', (error) => out.destroy(translate(error)));
  out.once('close', () => body.destroy());
  return body.pipe(out);
}
