import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

/** Dirty bytes after which a background flush starts, so the final fsync has little left to write. */
const FLUSH_EVERY_BYTES = 16 * 1024 * 1024;

/**
 * A file writer that is durable when it finishes: it flushes to disk in the background while bytes
 * still arrive (overlapping the disk write with hashing and reading), and fsyncs before `finish`.
 * Creates the file exclusively (`wx`): it never overwrites.
 */
export class DurableFileWriter extends Writable {
  private handle: FileHandle | undefined;
  private unflushed = 0;
  private flushing: Promise<void> | undefined;
  private flushError: Error | undefined;

  constructor(
    readonly path: string,
    private readonly durable = true,
    private readonly flushEveryBytes = FLUSH_EVERY_BYTES,
  ) {
    super({ highWaterMark: 4 * 1024 * 1024 });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.path, 'wx').then(
      (handle) => {
        this.handle = handle;
        callback();
      },
      (error: Error) => callback(error),
    );
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeAll([chunk]).then(() => callback(), callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.writeAll(chunks.map(({ chunk }) => chunk)).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const finish = async () => {
      await this.flushing;
      if (this.flushError) throw this.flushError;
      if (this.durable) await this.handle!.sync();
    };
    finish().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const close = async () => {
      await this.flushing;
      await this.handle?.close();
    };
    close().then(() => callback(error), (closeError: Error) => callback(error ?? closeError));
  }

  private async writeAll(buffers: Buffer[]): Promise<void> {
    if (this.flushError) throw this.flushError;
    const total = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
    let written = (await this.handle!.writev(buffers)).bytesWritten;
    // A short write (rare on regular files) leaves a tail: write it out buffer by buffer.
    for (const buffer of buffers) {
      if (written >= buffer.length) {
        written -= buffer.length;
        continue;
      }
      for (let offset = written; offset < buffer.length; ) offset += (await this.handle!.write(buffer, offset)).bytesWritten;
      written = 0;
    }
    this.unflushed += total;
    if (this.durable && this.unflushed >= this.flushEveryBytes && !this.flushing) {
      this.unflushed = 0;
      // One background flush at a time; writes go on meanwhile. Its failure fails the next write or the finish.
      this.flushing = this.handle!.datasync().then(
        () => {
          this.flushing = undefined;
        },
        (error: Error) => {
          this.flushError = error;
          this.flushing = undefined;
        },
      );
    }
  }
}
