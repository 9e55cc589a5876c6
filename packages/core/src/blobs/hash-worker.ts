import type { Worker } from 'node:worker_threads';
import type { Digest } from '../format/digest.js';
import { throwIfAborted } from '../errors.js';

// Plain CommonJS run with `eval`, so it works from the built package and from the TypeScript sources alike.
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { closeSync, openSync, readSync } = require('node:fs');
const hash = require('node:crypto').createHash('sha256');
const buffer = Buffer.allocUnsafe(1024 * 1024);
const fd = openSync(workerData.path, 'r');
let position = 0;
parentPort.on('message', (upTo) => {
  while (position < upTo) {
    const read = readSync(fd, buffer, 0, Math.min(buffer.length, upTo - position), position);
    if (read === 0) throw new Error('the file ended at byte ' + position);
    hash.update(buffer.subarray(0, read));
    position += read;
  }
  if (position === workerData.size) {
    closeSync(fd);
    parentPort.postMessage('sha256:' + hash.digest('hex'));
    parentPort.close();
  }
});
`;

/**
 * Hashes a file that is being written out of order, from its start up to the bytes already
 * written, on a worker thread: sha256 runs at well under network speed on small machines, and
 * on the main thread it would hold up the event loop that parses the incoming responses.
 */
export class FileHasher {
  /** Resolves to the file's digest once `advance(size)` has been called. */
  readonly digest: Promise<Digest>;
  private readonly worker: Worker;

  constructor(path: string, size: number) {
    // Loaded on first use: a serverless loader whose blobs are all small never needs threads, and
    // importing them costs its cold start a few milliseconds.
    const { Worker } = process.getBuiltinModule('node:worker_threads');
    this.worker = new Worker(SOURCE, { eval: true, workerData: { path, size } });
    this.digest = new Promise((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`The hashing thread for ${path} stopped (exit code ${code}) before the end of the file.`)));
    });
    this.digest.catch(() => {}); // read by the caller once every byte is written
  }

  /** Every byte before `upTo` is written: hash up to there. */
  advance(upTo: number): void {
    this.worker.postMessage(upTo);
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Hashes the first `size` bytes of a file on a worker thread, leaving the event loop free for transfers. */
export async function hashFile(path: string, size: number, signal?: AbortSignal): Promise<Digest> {
  throwIfAborted(signal, path);
  const hasher = new FileHasher(path, size);
  const abort = () => void hasher.stop();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    hasher.advance(size);
    return await hasher.digest;
  } catch (error) {
    throwIfAborted(signal, path);
    throw error;
  } finally {
    signal?.removeEventListener('abort', abort);
    await hasher.stop();
  }
}
