import { randomBytes } from 'node:crypto';
import { copyFile, link, lstat, mkdir, open, realpath, rename, rm, rmdir, stat, unlink, utimes } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AccessDeniedError, BackendError, InvalidInputError, PreconditionFailedError, throwIfAborted, type IncompleteWrite,
  type GetOptions, type GetResult, type ListEntry, type ListOptions, type ObjectInfo, type ObjectStore,
  type OperationOptions, type PutBody, type PutOptions, type PutResult, type StoreCapabilities,
  READ_CHUNK_BYTES, dirEntries, syncPath,
} from '@modelreg/core/backend';
import pLimit from 'p-limit';
import { KeyLocks } from './key-lock.js';
import { listObjects } from './list.js';
import { objectInfo } from './object-info.js';
import { KERNEL_COPY_FLAGS, LocalStagedFile, LocalStagedWrite } from './staged-writes.js';
import { type LocalStoreOptions, parseLocalStoreOptions } from './options.js';
import { translateFsError } from './translate-error.js';

/** Top-level folder of the store's own temp files and locks; never listed, never a valid key. */
export const INTERNAL_FOLDER = '.modelreg-internal';
const DELETE_CONCURRENCY = 16;
/** Tries of a publish whose folder a concurrent delete keeps removing: about a second of pauses in all. */
const FOLDER_RACE_ATTEMPTS = 100;

/**
 * `ObjectStore` on a local folder. Every write streams into a temp file inside the folder, is
 * fsynced, then renamed into place under a per-key lock, so readers never see a torn object and
 * conditional writes are atomic across processes on the same machine.
 */
export class LocalStore implements ObjectStore {
  readonly capabilities: StoreCapabilities = { conditionalWrites: true, staging: true, boundedMemory: true, fileCopy: true };
  readonly root: string;
  readonly description: string;
  private readonly durable: boolean;
  private readonly tempFolder: string;
  private readonly locks: KeyLocks;
  private realRoot: Promise<string> | undefined;

  constructor(options: LocalStoreOptions) {
    const parsed = parseLocalStoreOptions(options);
    this.root = resolve(parsed.root);
    this.durable = parsed.durable;
    this.description = this.root;
    this.tempFolder = join(this.root, INTERNAL_FOLDER, 'tmp');
    this.locks = new KeyLocks(join(this.root, INTERNAL_FOLDER, 'locks'));
  }

  async put(key: string, body: PutBody, options: PutOptions = {}): Promise<PutResult> {
    const staged = await this.stage(options);
    try {
      const source = body instanceof Readable ? body : Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]);
      await pipeline(source, staged.stream, { signal: options.signal });
      return await staged.commitWith(key, options);
    } catch (error) {
      throw translateFsError(error, key, this.root);
    } finally {
      await staged.discard();
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    const path = this.pathOf(key);
    try {
      await this.assertInsideRoot(path, key);
      const file = await open(path, 'r');
      const info = objectInfo(await file.stat({ bigint: true }));
      const start = options.range?.offset ?? 0;
      const end = options.range?.length === undefined ? undefined : start + options.range.length - 1;
      // A chunk no bigger than what is left to read: a stream allocates its full chunk size on each
      // read, so a 1 MiB chunk for a 500-byte manifest costs 2 MiB of garbage per small file.
      const remaining = (end ?? info.size - 1) - start + 1;
      const highWaterMark = Math.max(1, Math.min(READ_CHUNK_BYTES, remaining));
      const body = file.createReadStream({ start, ...(end === undefined ? {} : { end }), highWaterMark, signal: options.signal });
      return { ...info, body };
    } catch (error) {
      throw translateFsError(error, key, this.root);
    }
  }

  async head(key: string, options: OperationOptions = {}): Promise<ObjectInfo | undefined> {
    try {
      const path = this.pathOf(key);
      await this.assertInsideRoot(path, key);
      const info = await stat(path, { bigint: true });
      return info.isFile() ? objectInfo(info) : undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw translateFsError(error, key, this.root);
    }
  }

  list(prefix: string, options: ListOptions = {}): AsyncIterable<ListEntry> {
    const skip = (key: string) => key === INTERNAL_FOLDER || key.startsWith(`${INTERNAL_FOLDER}/`);
    // The root and the store's own folder need no check: nothing under the latter is ever listed.
    const checkStart = async (folderKey: string) => {
      if (folderKey !== '' && !skip(folderKey.slice(0, -1))) await this.assertInsideRoot(this.pathOf(folderKey.slice(0, -1)), folderKey);
    };
    return listObjects(this.root, prefix, options, { skip, checkStart });
  }

  async delete(keys: readonly string[], options: OperationOptions = {}): Promise<void> {
    const limit = pLimit(DELETE_CONCURRENCY);
    const results = await Promise.allSettled(keys.map((key) => limit(() => this.deleteOne(key, options.signal))));
    const failures = results.flatMap((result, index) => (result.status === 'rejected' ? [{ key: keys[index]!, error: result.reason as Error }] : []));
    if (failures.length > 0) {
      throw new BackendError(
        `Could not delete ${failures.length} of ${keys.length} objects: ${failures.slice(0, 5).map((f) => `${f.key} (${f.error.message})`).join('; ')}`,
        { key: failures[0]!.key, cause: failures[0]!.error },
      );
    }
  }

  async touch(key: string, options: OperationOptions = {}): Promise<void> {
    const now = new Date();
    try {
      const path = this.pathOf(key);
      await this.assertRealFolders(path, key);
      await this.assertInsideRoot(path, key);
      await utimes(path, now, now);
    } catch (error) {
      throw translateFsError(error, key, this.root);
    }
  }

  /** A temp file in the store's own folder, so publishing it is a rename on the same filesystem. */
  async stage(options: OperationOptions = {}): Promise<LocalStagedWrite> {
    return new LocalStagedWrite(this, await this.newTempPath(), this.durable);
  }

  async stageFile(sourcePath: string): Promise<LocalStagedFile> {
    try {
      return await LocalStagedFile.copy(sourcePath, await this.newTempPath(), this.durable, (path, key) => this.publish(path, key, {}));
    } catch (error) {
      throw translateFsError(error, sourcePath, this.root);
    }
  }

  async copyToFile(key: string, path: string): Promise<void> {
    const source = this.pathOf(key);
    try {
      await this.assertInsideRoot(source, key);
      await copyFile(source, path, KERNEL_COPY_FLAGS);
    } catch (error) {
      throw translateFsError(error, key, this.root);
    }
  }

  private async newTempPath(): Promise<string> {
    await mkdir(this.tempFolder, { recursive: true });
    return join(this.tempFolder, `${Date.now().toString(36)}-${randomBytes(8).toString('hex')}`);
  }

  /** Publishes a complete (already fsynced) temp file under `key`, applying the write's condition atomically. */
  async publish(tempPath: string, key: string, options: PutOptions): Promise<PutResult> {
    const path = this.pathOf(key);
    try {
      await this.assertRealFolders(path, key);
      const info = await this.locks.withLock(key, async () => {
        if (options.ifMatch !== undefined) {
          const current = await this.head(key);
          if (current?.etag !== options.ifMatch) {
            throw new PreconditionFailedError(`Object ${key} ${current ? 'changed' : 'does not exist'}: etag ${options.ifMatch} no longer matches`, { key });
          }
        }
        // A create links the temp file (atomic, fails if the key exists); the temp name is removed by discard().
        await this.withParentFolder(path, () => (options.ifNoneMatch === '*' ? linkOnce(tempPath, path, key) : rename(tempPath, path)));
        return objectInfo(await stat(path, { bigint: true }));
      });
      if (this.durable) await syncPath(dirname(path));
      return { etag: info.etag };
    } catch (error) {
      throw translateFsError(error, key, this.root);
    }
  }

  /**
   * Temp files of writes that never finished (a crashed push, a killed process). A live write
   * touches its file with every chunk, so its `startedAt` (the mtime) stays recent.
   */
  async *listIncompleteWrites(_prefix: string, options: OperationOptions = {}): AsyncIterable<IncompleteWrite> {
    // One temp folder serves every registry prefix of the store.
    const names = await dirEntries(this.tempFolder).catch((error: unknown) => {
      throw translateFsError(error, INTERNAL_FOLDER, this.root);
    });
    for (const id of names) {
      throwIfAborted(options.signal);
      const info = await lstat(join(this.tempFolder, id)).catch(() => undefined); // finished meanwhile
      if (info?.isFile()) yield { id, startedAt: info.mtime, size: info.size };
    }
  }

  async removeIncompleteWrite(write: IncompleteWrite): Promise<void> {
    if (write.id.includes('/') || write.id.includes(sep) || write.id.startsWith('.')) {
      throw new InvalidInputError(`${JSON.stringify(write.id)} is not a temp file of this store.`);
    }
    await rm(join(this.tempFolder, write.id), { force: true });
  }

  /** Writes never follow a symbolic link inside the store: every existing folder on the way must be a real one. */
  private async assertRealFolders(path: string, key: string): Promise<void> {
    let current = this.root;
    for (const segment of path.slice(this.root.length + 1).split(sep).slice(0, -1)) {
      current = join(current, segment);
      const info = await lstat(current).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (!info) return; // from here on mkdir creates real folders
      if (!info.isDirectory()) {
        throw new InvalidInputError(`Refusing to write ${key}: ${current} is a symbolic link or a file inside the store, and writes never follow links. Remove it.`, { key });
      }
    }
  }

  /** Reads refuse a symbolic link that leads out of the store. */
  private async assertInsideRoot(path: string, key: string): Promise<void> {
    const real = await realpath(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw error;
    });
    if (real === undefined) return;
    this.realRoot ??= realpath(this.root);
    if (!real.startsWith(`${await this.realRoot}${sep}`)) {
      throw new AccessDeniedError(`Refusing to read ${key}: it is a symbolic link to ${real}, outside the store at ${this.root}.`, { key });
    }
  }

  private async deleteOne(key: string, signal: AbortSignal | undefined): Promise<void> {
    throwIfAborted(signal, key);
    const path = this.pathOf(key);
    await this.locks.withLock(key, () => unlink(path)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT' && error.code !== 'ENOTDIR') throw translateFsError(error, key, this.root);
    });
    await this.removeEmptyFolders(dirname(path));
  }

  /** Deleting the last object of a folder removes the folder, so listings show no empty prefixes. */
  private async removeEmptyFolders(folder: string): Promise<void> {
    for (let current = folder; current.startsWith(this.root + sep); current = dirname(current)) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty, already gone, or in use: a later delete will tidy it
      }
    }
  }

  /**
   * Creates the key's folder and runs the rename; retried when a concurrent delete removed an empty
   * folder on the way. Every such failure means another delete made progress, so the retries end;
   * a growing, jittered pause lets the busy deleters finish their walk up the tree first (a fixed
   * handful of immediate retries ran out on a loaded machine).
   */
  private async withParentFolder<T>(path: string, publish: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        // mkdir fails with ENOENT too when a parent it just made is removed before it makes the next level.
        await mkdir(dirname(path), { recursive: true });
        return await publish();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= FOLDER_RACE_ATTEMPTS) throw error;
        if (attempt > 2) await sleep(Math.random() * Math.min(20, 2 ** (attempt - 2)));
      }
    }
  }

  /**
   * Maps a key to its file. Keys arrive validated by core's GuardedStore (no empty, "." or ".."
   * segment); this refuses only what a filesystem adds: a "\\" or NUL in a segment, and the store's own files.
   */
  pathOf(key: string): string {
    const segments = key.split('/');
    if (segments[0] === INTERNAL_FOLDER || segments.some((segment) => segment.includes('\\') || segment.includes('\0'))) {
      throw new InvalidInputError(`Key ${JSON.stringify(key)} is not valid for a local store: no "\\" or NUL in a segment, and not under ${INTERNAL_FOLDER}.`, { key });
    }
    return join(this.root, ...segments);
  }
}

async function linkOnce(tempPath: string, path: string, key: string): Promise<void> {
  try {
    await link(tempPath, path); // atomic create-if-absent: fails with EEXIST when the key exists
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new PreconditionFailedError(`Object ${key} already exists`, { key });
    throw error;
  }
}
