import { constants } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { DurableFileWriter, syncPath, type PutOptions, type PutResult, type StagedFile, type StagedWrite } from '@modelreg/core/backend';
import type { LocalStore } from './local-store.js';

/** Never over an existing file; a reflink (instant, shared blocks) where the filesystem has them, else copy_file_range. */
export const KERNEL_COPY_FLAGS = constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE;

/**
 * A kernel copy of a local file in the store's temp folder. Its fsync starts at once, in the
 * background, so the disk writes it back while the caller reads the copy (from the page cache) to
 * hash it; `commit` waits for it before publishing.
 */
export class LocalStagedFile implements StagedFile {
  private readonly synced: Promise<void>;

  private constructor(
    readonly path: string,
    durable: boolean,
    private readonly publish: (path: string, key: string) => Promise<PutResult>,
  ) {
    this.synced = durable ? syncPath(path) : Promise.resolve();
    this.synced.catch(() => {}); // reported by commit
  }

  static async copy(sourcePath: string, tempPath: string, durable: boolean, publish: (path: string, key: string) => Promise<PutResult>): Promise<LocalStagedFile> {
    try {
      await copyFile(sourcePath, tempPath, KERNEL_COPY_FLAGS);
    } catch (error) {
      await rm(tempPath, { force: true }); // a copy that failed halfway
      throw error;
    }
    return new LocalStagedFile(tempPath, durable, publish);
  }

  async commit(key: string): Promise<PutResult> {
    await this.synced;
    return this.publish(this.path, key);
  }

  async discard(): Promise<void> {
    await this.synced.catch(() => {});
    await rm(this.path, { force: true });
  }
}

/** Bytes streamed into the store's temp folder, published under a key once complete. */
export class LocalStagedWrite implements StagedWrite {
  readonly stream: DurableFileWriter;

  constructor(
    private readonly store: LocalStore,
    private readonly tempPath: string,
    durable: boolean,
  ) {
    this.stream = new DurableFileWriter(tempPath, durable);
  }

  commit(key: string): Promise<PutResult> {
    return this.commitWith(key, {});
  }

  commitWith(key: string, options: PutOptions): Promise<PutResult> {
    return this.store.publish(this.tempPath, key, options);
  }

  async discard(): Promise<void> {
    // Wait for the close: the writer may still be creating its file, which must not appear after the rm.
    if (!this.stream.closed) await new Promise((resolve) => this.stream.destroy().once('close', resolve));
    await rm(this.tempPath, { force: true });
  }
}
