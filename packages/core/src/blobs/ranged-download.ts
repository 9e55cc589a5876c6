import { type FileHandle, open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ByteRange } from '../store/object-store.js';
import * as z from 'zod/mini';
import { mapBounded } from '../util/concurrency.js';
import type { Digest } from '../format/digest.js';
import { IntegrityError } from '../errors.js';
import { FileHasher } from './hash-worker.js';
import { digestMismatch } from './hashing-streams.js';

const MIB = 1024 * 1024;

/**
 * How large blobs are downloaded, shared by the registry's config (`pull`) and the loader's options.
 * Built when those schemas are (see `lazySchema`), not at import.
 */
export const rangedDownloadFields = () => ({
  /**
   * Blobs at least this big are downloaded as parallel ranged GETs; smaller ones with one GET (a
   * few ranges' worth of bytes, where a range's first-byte wait would cost more than it saves). @default 64 MiB
   */
  rangeThresholdBytes: z._default(z.int().check(z.minimum(1)), 64 * MIB),
  /** Bytes per ranged GET: 16 keeps 8 ranges busy on a 64 MiB blob while a GET's latency stays small beside its transfer. @default 16 MiB */
  rangeBytes: z._default(z.int().check(z.minimum(64 * 1024)), 16 * MIB),
  /**
   * Ranged GETs in flight per blob; memory stays at 1 MiB per range (ranges stream to their offset
   * on disk). Measured with bench:loader on a 266 MiB model: over a link that caps each connection
   * at 40 MB/s with 20 ms first-byte latency, 8 x 16 MiB loaded at 3.6x to 3.7x a sequential
   * GetObject against 2.8x for 4 x 16 or 32 MiB. On loopback, where the server shares the client's
   * two cores, ranges neither help nor hurt: 0.86x to 1.16x between runs, as one GET per blob. @default 8
   */
  rangeConcurrency: z._default(z.int().check(z.minimum(1), z.maximum(64)), 8),
});

export type RangedDownloadSettings = { [K in keyof ReturnType<typeof rangedDownloadFields>]: number };

/** Opens one range of the blob's raw bytes; the download verifies the whole blob once assembled. */
export type OpenRange = (range: Required<ByteRange>, signal: AbortSignal) => Promise<Readable>;

export interface RangedDownloadOptions extends Pick<RangedDownloadSettings, 'rangeBytes' | 'rangeConcurrency'> {
  durable: boolean;
  signal?: AbortSignal | undefined;
  /** Called with the running total of bytes written. */
  onBytes?: ((total: number) => void) | undefined;
}

/** Bytes gathered per range before a write: memory is at most rangeConcurrency x this. */
const WRITE_BATCH_BYTES = 1024 * 1024;

interface Part {
  offset: number;
  length: number;
  written: boolean;
}

/**
 * Downloads a blob into a new file at `path` as parallel ranged GETs, each streamed to its offset
 * (memory stays at one batch per range in flight). A worker thread hashes the file from the start
 * as far as the ranges are complete, so verification overlaps the transfer instead of following
 * it. Rejects with `IntegrityError` on a mismatch; the caller removes the file on any failure.
 */
export async function downloadRanges(openRange: OpenRange, blob: { digest: Digest; size: number }, label: string, path: string, options: RangedDownloadOptions): Promise<void> {
  const parts: Part[] = [];
  for (let offset = 0; offset < blob.size; offset += options.rangeBytes) parts.push({ offset, length: Math.min(options.rangeBytes, blob.size - offset), written: false });
  const file = await open(path, 'wx', 0o644);
  let hasher: FileHasher | undefined;
  try {
    await file.truncate(blob.size);
    hasher = new FileHasher(path, blob.size);
    let complete = 0; // parts[0..complete) are written
    let written = 0;
    const onWritten = (bytes: number) => options.onBytes?.((written += bytes));
    await mapBounded(parts, options.rangeConcurrency, options.signal, async (part, signal) => {
      await writePart(file, await openRange({ offset: part.offset, length: part.length }, signal), part, label, onWritten);
      part.written = true;
      if (parts[complete] !== part) return;
      while (parts[complete]?.written) complete++;
      hasher!.advance(complete === parts.length ? blob.size : parts[complete]!.offset);
    });
    const actual = await hasher.digest;
    if (actual !== blob.digest) {
      throw digestMismatch(blob.digest, label, `content hashes to ${actual}`);
    }
    if (options.durable) await file.datasync();
  } finally {
    await hasher?.stop();
    await file.close();
  }
}

/** Streams one range to its offset, in batches: one positional write per MiB, not one per network chunk. */
async function writePart(file: FileHandle, body: Readable, part: Part, label: string, onWritten: (bytes: number) => void): Promise<void> {
  const end = part.offset + part.length;
  let position = part.offset;
  let batch: Buffer[] = [];
  let batched = 0;
  const flush = async () => {
    let done = (await file.writev(batch, position)).bytesWritten;
    if (done < batched) {
      const bytes = Buffer.concat(batch, batched); // a short write, rare on regular files: finish the rest
      while (done < batched) done += (await file.write(bytes, done, batched - done, position + done)).bytesWritten;
    }
    position += batched;
    onWritten(batched);
    batch = [];
    batched = 0;
  };
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (position + batched + chunk.length > end) {
      body.destroy();
      throw new IntegrityError(`${label}: the store returned more than the ${part.length} bytes asked for at offset ${part.offset}.`, { key: label });
    }
    batch.push(chunk);
    batched += chunk.length;
    if (batched >= WRITE_BATCH_BYTES) await flush();
  }
  await flush();
  if (position !== end) {
    throw new IntegrityError(`${label}: the store returned ${position - part.offset} of the ${part.length} bytes asked for at offset ${part.offset}.`, { key: label });
  }
}
