import type { Readable } from 'node:stream';
import { InvalidInputError, throwIfAborted } from './errors.js';

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
