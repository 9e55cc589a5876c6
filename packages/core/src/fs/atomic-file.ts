import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DurableFileWriter } from './durable-file.js';

export interface AtomicWriteOptions {
  signal?: AbortSignal | undefined;
  /** Streams the bytes pass through on their way to disk (hashing, verification). */
  through?: Transform[] | undefined;
  /** Folder for the temp file; it must be on the same filesystem as the target. @default the target's folder */
  tempDir?: string | undefined;
  /**
   * fsync the bytes before the rename, so the file survives a power loss. Without it a crashed
   * process still never leaves a partial file (the rename comes after the last byte); only an
   * operating system crash can. @default true
   */
  durable?: boolean | undefined;
  /** Called with the temp path once its bytes are written (and durable), before the rename; throw to cancel. */
  beforeRename?: ((tempPath: string) => Promise<void>) | undefined;
}

/** A temp path next to `target` (or in `tempDir`) that no other writer will pick. */
export function tempPathFor(target: string, tempDir?: string): string {
  return join(tempDir ?? dirname(target), `.${basename(target).slice(0, 64)}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Streams `source` into a temp file, fsyncs it, then renames it onto `target`: readers see the old
 * file or the whole new one, never a torn one, and a failure leaves no temp file behind.
 */
export async function writeFileAtomic(target: string, source: Readable, options: AtomicWriteOptions = {}): Promise<void> {
  await replaceAtomically(target, (temp) => writeNewFile(temp, source, options), options);
}

/**
 * Lets `write` create a temp file, then renames it onto `target`; on any failure the temp file is
 * removed. For writers that fill a file their own way (e.g. ranged downloads at offsets).
 */
export async function replaceAtomically(
  target: string,
  write: (tempPath: string) => Promise<void>,
  options: Pick<AtomicWriteOptions, 'tempDir' | 'beforeRename'> = {},
): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  if (options.tempDir) await mkdir(options.tempDir, { recursive: true });
  const temp = tempPathFor(target, options.tempDir);
  try {
    await write(temp);
    await options.beforeRename?.(temp);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Streams into a new file (and fsyncs it unless `durable: false`), so a rename afterwards publishes complete bytes. */
export async function writeNewFile(path: string, source: Readable, options: Pick<AtomicWriteOptions, 'signal' | 'through' | 'durable'> = {}): Promise<void> {
  const writer = new DurableFileWriter(path, options.durable ?? true);
  try {
    await pipeline([source, ...(options.through ?? []), writer], { signal: options.signal });
  } catch (error) {
    // pipeline rejects on the first error, possibly before the writer has even created its file:
    // wait until it has closed, so the caller's cleanup finds (and removes) that file.
    if (!writer.closed) await new Promise((resolve) => writer.once('close', resolve));
    throw error;
  }
}
