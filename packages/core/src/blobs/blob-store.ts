import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Readable, pipeline as pipelineWithCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { replaceAtomically, writeNewFile } from '../fs/atomic-file.js';
import { syncPath } from '../fs/sync.js';
import { type Digest, sha256 } from '../format/digest.js';
import { HashingStream, VerifyingStream, digestMismatch } from './hashing-streams.js';
import { IntegrityError, NotFoundError } from '../errors.js';
import type { KeyScheme } from '../format/keys.js';
import type { ByteRange, GetResult, ObjectInfo, ObjectStore, PutResult } from '../store/object-store.js';
import { hashFile } from './hash-worker.js';
import { type RangedDownloadSettings, downloadRanges } from './ranged-download.js';
import { type ArtifactSource, type FileSource, openSource, readFileStream } from './sources.js';
import { assertFileUnchanged, fileIdentity, withFinalCheck } from './file-identity.js';
import { withByteCount } from '../util/streams.js';

export interface StoredBlob {
  digest: Digest;
  size: number;
  /** Bytes sent to the store: 0 when the blob already existed. */
  uploadedBytes: number;
  /** True when a blob with these bytes was already stored (or stored meanwhile by another pusher). */
  reused: boolean;
}

export interface BlobStoreOptions {
  /** Where streams of unknown length are spooled while hashed. @default os.tmpdir() */
  tempDir?: string | undefined;
}

/** A source whose digest is known and whose bytes are ready to store (see `BlobStore.prepare`). */
export interface PreparedBlob {
  readonly digest: Digest;
  readonly size: number;
  /** Stores the bytes unless a blob with them exists; called again, it replaces a blob lost meanwhile. */
  store(transfer?: Transfer): Promise<StoredBlob>;
  /** Drops temp files or staged bytes; safe after `store`. */
  release(): Promise<void>;
}

/** Files at least this big are hashed on a worker thread. */
const WORKER_HASH_MIN_BYTES = 16 * 1024 * 1024;

interface Signal {
  signal?: AbortSignal | undefined;
}

export interface Transfer extends Signal {
  /** Called with the running total of bytes sent or received. */
  onBytes?: ((total: number) => void) | undefined;
}

export interface DownloadOptions extends Transfer, RangedDownloadSettings {
  /** fsync the file before it is renamed into place. */
  durable: boolean;
}

/**
 * The content-addressed blob layer: every file's bytes are stored once under their sha256 and shared
 * by every version that contains them. The only module that knows how file contents are laid out,
 * so chunked storage can be added here without touching backends or the registry.
 */
export class BlobStore {
  constructor(
    private readonly backend: ObjectStore,
    private readonly keys: KeyScheme,
    private readonly options: BlobStoreOptions,
  ) {}

  key(digest: Digest): string {
    return this.keys.blobKey(digest);
  }

  /**
   * Makes a source ready to store: its digest known, its bytes hashed in place (a file or bytes),
   * spooled to a temp file (a stream) or staged in the store (a backend that stages), reading the
   * source once wherever the backend allows. Nothing is published under a blob key yet.
   */
  async prepare(source: ArtifactSource, transfer: Transfer = {}): Promise<PreparedBlob> {
    if (source.kind === 'bytes') return this.prepared(sha256(source.data), source.data.length, source);
    if (source.kind === 'file' && this.backend.stageFile) return this.prepareCopied(source, transfer);
    if (this.backend.capabilities.staging && this.backend.stage) return this.prepareStaged(source, transfer);
    if (source.kind === 'file') return this.prepared(await digestOfFile(source.path, source.size, transfer.signal), source.size, source);
    return this.prepareSpooled(source.stream, transfer.signal);
  }

  private prepared(digest: Digest, size: number, source: ArtifactSource, release = async () => {}): PreparedBlob {
    return { digest, size, store: (transfer = {}) => this.putHashed(digest, size, source, transfer), release };
  }

  /** One read: hash while the backend stages the bytes; storing publishes them under their digest, or drops them when the blob exists. */
  private async prepareStaged(source: ArtifactSource, { signal, onBytes }: Transfer): Promise<PreparedBlob> {
    const staged = await this.backend.stage!({ signal });
    const hasher = new HashingStream();
    try {
      await pipeline([withByteCount(openSource(source), onBytes), hasher, staged.stream], { signal });
    } catch (error) {
      await staged.discard();
      throw error;
    }
    return this.preparedStage(hasher.digest, hasher.size, source, staged);
  }

  /**
   * A file on a store of files: the kernel copies it into the store, and the copy is what gets hashed
   * (on a worker, while the disk writes the copy back), so the bytes published are the bytes hashed
   * even if the source file changes meanwhile.
   */
  private async prepareCopied(source: FileSource, { signal, onBytes }: Transfer): Promise<PreparedBlob> {
    const staged = await this.backend.stageFile!(source.path, { signal });
    try {
      const { size } = await stat(staged.path);
      const digest = await digestOfFile(staged.path, size, signal);
      onBytes?.(size);
      return this.preparedStage(digest, size, source, staged);
    } catch (error) {
      await staged.discard();
      throw error;
    }
  }

  /** Bytes already in the store, unpublished: storing publishes them under their digest, or drops them when the blob exists. */
  private preparedStage(digest: Digest, size: number, source: ArtifactSource, staged: { commit(key: string): Promise<PutResult>; discard(): Promise<void> }): PreparedBlob {
    let pending = true;
    const store = async (transfer: Transfer = {}): Promise<StoredBlob> => {
      const key = this.key(digest);
      if (!pending) {
        // The staged bytes are published already: only a source that can be read again can replace a lost blob.
        if (source.kind !== 'stream') return this.putHashed(digest, size, source, transfer);
        if (await this.exists(key, size, transfer.signal)) return { digest, size, uploadedBytes: 0, reused: true };
        throw new NotFoundError(`Blob ${key} is gone and its bytes came from a stream that cannot be read again; push again.`, { key });
      }
      pending = false;
      if (await this.exists(key, size, transfer.signal)) {
        await staged.discard();
        return { digest, size, uploadedBytes: 0, reused: true };
      }
      await staged.commit(key);
      return { digest, size, uploadedBytes: size, reused: false };
    };
    return { digest, size, store, release: () => staged.discard() };
  }

  /** A stream of unknown length is spooled to a temp file while hashed; storing uploads it from there. */
  private async prepareSpooled(stream: Readable, signal: AbortSignal | undefined): Promise<PreparedBlob> {
    const folder = await mkdtemp(join(this.options.tempDir ?? tmpdir(), 'modelreg-spool-'));
    const release = () => rm(folder, { recursive: true, force: true });
    try {
      const path = join(folder, 'body');
      const hasher = new HashingStream();
      // The spool file is read back and deleted: durability would only cost time.
      await writeNewFile(path, stream, { signal, through: [hasher], durable: false });
      return this.prepared(hasher.digest, hasher.size, { kind: 'file', path, size: hasher.size, identity: await fileIdentity(path) }, release);
    } catch (error) {
      await release();
      throw error;
    }
  }

  private async putHashed(digest: Digest, size: number, source: ArtifactSource, transfer: Transfer): Promise<StoredBlob> {
    if (await this.exists(this.key(digest), size, transfer.signal)) return { digest, size, uploadedBytes: 0, reused: true };
    const putFile = this.backend.putFile?.bind(this.backend);
    if (source.kind !== 'file') return this.upload({ digest, size }, openSource(source), transfer);
    // The file is read again: a write to it since it was hashed fails the upload before it is published.
    const unchanged = () => assertFileUnchanged(source.path, source.identity);
    if (putFile) {
      // The backend reads the file by ranges itself: no stream, no regrouping of its chunks.
      return this.uploadWith({ digest, size }, transfer.signal, (key, options) => putFile(key, source.path, { ...options, size, onBytes: transfer.onBytes, beforeCommit: unchanged }));
    }
    return this.upload({ digest, size }, withFinalCheck(openSource(source), unchanged), transfer);
  }

  /**
   * Uploads a stream of bytes known to hash to `blob` (the caller verifies them as they flow, or
   * hashed them before) under its key, then checks the stored size. For a blob found missing.
   */
  async upload(blob: { digest: Digest; size: number }, body: Readable, { signal, onBytes }: Transfer): Promise<StoredBlob> {
    return this.uploadWith(blob, signal, (key, options) => this.backend.put(key, withByteCount(body, onBytes), { ...options, size: blob.size }));
  }

  private async uploadWith(
    blob: { digest: Digest; size: number },
    signal: AbortSignal | undefined,
    write: (key: string, options: { signal: AbortSignal | undefined; contentType: string }) => Promise<PutResult>,
  ): Promise<StoredBlob> {
    const { digest, size } = blob;
    const key = this.key(digest);
    try {
      await write(key, { signal, contentType: 'application/octet-stream' });
    } catch (error) {
      // Another writer of the same bytes may have won the write (Azure then fails the loser's block
      // list): its blob serves as well as ours would.
      if (signal?.aborted || !(await this.exists(key, size, signal).catch(() => false))) throw error;
      return { digest, size, uploadedBytes: 0, reused: true };
    }
    const written = await this.backend.head(key, { signal });
    if (written?.size !== size) {
      throw new IntegrityError(`Blob ${key} was uploaded with ${size} bytes but the store reports ${written?.size ?? 'no object'}; write it again.`, { key });
    }
    return { digest, size, uploadedBytes: size, reused: false };
  }

  /** True when the blob exists with the right size; a truncated one is overwritten with the right bytes. */
  private async exists(key: string, size: number, signal: AbortSignal | undefined): Promise<boolean> {
    return (await this.backend.head(key, { signal }))?.size === size;
  }

  async head(digest: Digest, { signal }: Signal = {}): Promise<ObjectInfo | undefined> {
    return this.backend.head(this.key(digest), { signal });
  }

  /** A stream of the blob's bytes that fails with `IntegrityError` unless they match digest and size. */
  async open(blob: { digest: Digest; size: number }, label: string, { signal }: Signal = {}): Promise<Readable> {
    const body = await this.read(blob, label, signal);
    const verifier = new VerifyingStream(blob, label);
    // The consumer sees any read or integrity error on the returned stream; destroying it stops the read.
    pipelineWithCallback(body, verifier, () => {});
    return verifier;
  }

  /** Downloads a blob to `path`, verified; nothing is left at `path` (or beside it) unless every byte matched. */
  async download(blob: { digest: Digest; size: number }, label: string, path: string, options: DownloadOptions): Promise<void> {
    await replaceAtomically(path, (temp) => this.downloadToNewFile(blob, label, temp, options));
  }

  /**
   * Downloads a blob into a new file at `path` and rejects with `IntegrityError` unless every byte
   * matched; the caller publishes the file, or removes it on failure. A large blob comes as
   * parallel ranged GETs, hashed on a worker thread as they land.
   */
  async downloadToNewFile(blob: { digest: Digest; size: number }, label: string, path: string, options: DownloadOptions): Promise<void> {
    if (this.backend.copyToFile) return this.copyToNewFile(blob, label, path, options);
    if (blob.size >= options.rangeThresholdBytes) {
      return downloadRanges((range, signal) => this.read(blob, label, signal, range), blob, label, path, options);
    }
    const { signal, onBytes, durable } = options;
    const body = withByteCount(await this.read(blob, label, signal), onBytes);
    await writeNewFile(path, body, { signal, durable, through: [new VerifyingStream(blob, label)] });
  }

  /**
   * A store of files: the kernel copies the blob into the new file, and the copy is hashed (on a
   * worker, while the disk writes it back), so the file is verified as it will be read.
   */
  private async copyToNewFile(blob: { digest: Digest; size: number }, label: string, path: string, { signal, onBytes, durable }: DownloadOptions): Promise<void> {
    const key = this.key(blob.digest);
    try {
      await this.backend.copyToFile!(key, path, { signal });
    } catch (error) {
      throw error instanceof NotFoundError ? missingBlob(label, key, error) : error;
    }
    const { size } = await stat(path);
    if (size !== blob.size) throw sizeMismatch(label, key, size, blob.size);
    const [digest] = await Promise.all([digestOfFile(path, size, signal), durable ? syncPath(path) : undefined]);
    if (digest !== blob.digest) throw digestMismatch(blob.digest, label, `content hashes to ${digest}`);
    onBytes?.(size);
  }

  /**
   * Opens the blob's bytes (or a range of them). The stored object's size is checked on every read,
   * ranged ones too: a ranged download reads only the bytes the manifest counts, so bytes appended
   * to the object would otherwise go unnoticed.
   */
  private async read(blob: { digest: Digest; size: number }, label: string, signal: AbortSignal | undefined, range?: ByteRange): Promise<Readable> {
    const key = this.key(blob.digest);
    let stored: GetResult;
    try {
      stored = await this.backend.get(key, { signal, range });
    } catch (error) {
      throw error instanceof NotFoundError ? missingBlob(label, key, error) : error;
    }
    if (stored.size !== blob.size) {
      stored.body.destroy();
      throw sizeMismatch(label, key, stored.size, blob.size);
    }
    return stored.body;
  }
}

async function hashStream(stream: Readable, signal: AbortSignal | undefined): Promise<Digest> {
  const hasher = new HashingStream();
  await pipeline(stream, hasher, async (source: AsyncIterable<Buffer>) => {
    for await (const _ of source); // drain: only the digest is wanted
  }, { signal });
  return hasher.digest;
}

/** Hashes a file: a large one on a worker thread (which leaves the event loop to the transfers in flight, but costs a thread start-up). */
function digestOfFile(path: string, size: number, signal: AbortSignal | undefined): Promise<Digest> {
  return size >= WORKER_HASH_MIN_BYTES ? hashFile(path, size, signal) : hashStream(readFileStream(path), signal);
}

function missingBlob(label: string, key: string, cause: NotFoundError): NotFoundError {
  return new NotFoundError(`${label}: blob ${key} is missing from the store; the version cannot be read until it is pushed again.`, { key, cause });
}

function sizeMismatch(label: string, key: string, stored: number, recorded: number): IntegrityError {
  return new IntegrityError(
    `${label}: blob ${key} is ${stored} bytes in the store but the manifest records ${recorded}; the stored blob is corrupt or was replaced. Run verify, and push the file again.`,
    { key },
  );
}
