import type { Readable, Writable } from 'node:stream';

/** What a backend can be given to store: bytes in memory, or a stream that is never buffered whole. */
export type PutBody = Buffer | Uint8Array | Readable;

export interface OperationOptions {
  signal?: AbortSignal | undefined;
}

export interface PutOptions extends OperationOptions {
  /** `'*'`: create only; fails with `PreconditionFailedError` when the key exists. */
  ifNoneMatch?: '*' | undefined;
  /** Compare-and-swap: write only if the current etag equals this one; fails when it differs or the key is missing. */
  ifMatch?: string | undefined;
  contentType?: string | undefined;
  /** Byte length of a streamed body when known; lets backends pick single-part vs multipart. */
  size?: number | undefined;
}

export interface PutFileOptions extends PutOptions {
  /** Called with the running total of bytes sent. */
  onBytes?: ((total: number) => void) | undefined;
  /**
   * Called once every byte has been read from the file, before the object becomes visible; when it
   * throws, nothing is published and the write fails with its error (e.g. the file changed meanwhile).
   */
  beforeCommit?: (() => Promise<void>) | undefined;
}

export interface PutResult {
  etag: string;
}

export interface ByteRange {
  /** First byte to read. */
  offset: number;
  /** Bytes to read from `offset`; to the end of the object when omitted. */
  length?: number | undefined;
}

export interface GetOptions extends OperationOptions {
  range?: ByteRange | undefined;
}

export interface ObjectInfo {
  /** Size of the whole object in bytes (not of the requested range). */
  size: number;
  /** Opaque version tag; changes whenever the content is replaced. */
  etag: string;
  lastModified: Date;
}

export interface GetResult extends ObjectInfo {
  body: Readable;
}

export interface ListOptions extends OperationOptions {
  /** Group keys by their next `/` after the prefix, as S3 and Azure do. */
  delimiter?: '/' | undefined;
}

export type ListEntry =
  | ({ type: 'object'; key: string } & ObjectInfo)
  | { type: 'prefix'; prefix: string };

/** A write that started and never finished: an incomplete multipart upload, a crashed writer's temp file. */
export interface IncompleteWrite {
  /** What identifies it to its backend, e.g. a multipart upload id or a temp file name. */
  id: string;
  /** The key it was meant for, when the backend knows it. */
  key?: string | undefined;
  /** When it started (or was last written to), by the store's clock. */
  startedAt: Date;
  /** Bytes it holds in the store. */
  size: number;
}

/** A write whose key is chosen after its bytes are in the store (e.g. by their digest). */
export interface StagedWrite {
  /** Where the caller streams the bytes. */
  readonly stream: Writable;
  /** Publish the staged bytes under `key`, replacing any object there. */
  commit(key: string): Promise<PutResult>;
  /** Drop the staged bytes. Safe to call after a failed or completed commit. */
  discard(): Promise<void>;
}

/** A local file copied into the store's staging area by the kernel (see `ObjectStore.stageFile`). */
export interface StagedFile {
  /** The staged copy: read it (to hash what will be stored) before committing. */
  readonly path: string;
  /** Publish the copy under `key`, replacing any object there; durable first when the store is. */
  commit(key: string): Promise<PutResult>;
  /** Drop the copy. Safe to call after a failed or completed commit. */
  discard(): Promise<void>;
}

export interface StoreCapabilities {
  /** `ifNoneMatch: '*'` and `ifMatch` are enforced atomically. The registry refuses to allocate versions without this. */
  conditionalWrites: boolean;
  /** `stage()` is implemented and cheap (a rename), so a push can hash and store in one read. */
  staging: boolean;
  /** Objects live outside the process heap, so a large body streams through in bounded memory. */
  boundedMemory: boolean;
  /**
   * `stageFile()` and `copyToFile()` are implemented: objects are files on this machine, so whole
   * files are copied by the kernel (copy_file_range, or a reflink) without passing through the process.
   */
  fileCopy: boolean;
}

/**
 * The contract every backend implements. Backends move bytes under keys and know nothing about
 * models. Keys are `/`-separated, relative, and already validated by core.
 */
export interface ObjectStore {
  readonly capabilities: StoreCapabilities;
  /** Where the store is, for messages and without credentials, e.g. `/srv/models` or `s3://bucket/prefix`. */
  readonly description: string;

  put(key: string, body: PutBody, options?: PutOptions): Promise<PutResult>;
  /** Throws `NotFoundError` when the key does not exist. */
  get(key: string, options?: GetOptions): Promise<GetResult>;
  head(key: string, options?: OperationOptions): Promise<ObjectInfo | undefined>;
  /** Every key starting with `prefix`, in ascending byte order; pages internally. */
  list(prefix: string, options?: ListOptions): AsyncIterable<ListEntry>;
  /** Deletes the keys that exist; missing keys are not an error. */
  delete(keys: readonly string[], options?: OperationOptions): Promise<void>;
  /** Refresh `lastModified` without moving data. Throws `NotFoundError` when the key does not exist. */
  touch(key: string, options?: OperationOptions): Promise<void>;
  /**
   * Optional: stores the first `options.size` bytes of the local file at `path` under `key`, as
   * `put` would, reading the file in place by ranges (e.g. into recycled block buffers) instead of
   * as a stream. For backends that upload large bodies in blocks. A file shorter than `size` fails
   * with `InvalidInputError` and stores nothing.
   */
  putFile?(key: string, path: string, options: PutFileOptions & { size: number }): Promise<PutResult>;
  /** Present when `capabilities.staging` is true. */
  stage?(options?: OperationOptions): Promise<StagedWrite>;
  /** Present when `capabilities.fileCopy` is true: stages a kernel copy of the local file at `sourcePath`. */
  stageFile?(sourcePath: string, options?: OperationOptions): Promise<StagedFile>;
  /** Present when `capabilities.fileCopy` is true: copies the object into a new file at `path` (which must not exist). */
  copyToFile?(key: string, path: string, options?: OperationOptions): Promise<void>;
  /**
   * Writes under `prefix` that started and never finished and still take space (incomplete
   * multipart uploads, temp files of crashed writers), for gc to remove and stats to report.
   * Backends whose storage discards them by itself omit it.
   */
  listIncompleteWrites?(prefix: string, options?: OperationOptions): AsyncIterable<IncompleteWrite>;
  /** Removes one incomplete write (aborts the upload, deletes the temp file); one already gone is not an error. */
  removeIncompleteWrite?(write: IncompleteWrite, options?: OperationOptions): Promise<void>;
  /**
   * Checks the live service once (e.g. that it really enforces conditional writes, which some
   * S3-compatible servers silently ignore) and returns the capabilities it has. The registry calls
   * it before its first write; backends whose guarantees are fixed omit it.
   */
  verifyCapabilities?(options?: OperationOptions): Promise<StoreCapabilities>;
}
