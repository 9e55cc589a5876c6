import type { S3Client } from '@aws-sdk/client-s3';
import type {
  GetOptions, GetResult, IncompleteWrite, ListEntry, ListOptions, ObjectInfo, ObjectStore, OperationOptions, PutBody, PutOptions, PutResult, StoreCapabilities,
} from '@modelreg/core/backend';
import { InvalidInputError, redactSecrets } from '@modelreg/core/backend';
import { probeConditionalWrites } from './capability-probe.js';
import { createS3Client } from './client.js';
import { S3Context } from './context.js';
import { deleteObjects } from './delete.js';
import { downloadObject } from './download.js';
import { normalizeEtag } from './etag.js';
import { headObject } from './head.js';
import { abortIncompleteUpload, listIncompleteUploads } from './incomplete-uploads.js';
import { listObjects } from './list.js';
import { type S3StoreOptions, parseS3StoreOptions } from './options.js';
import { touchObject } from './touch.js';
import { uploadObject } from './upload.js';

/**
 * An `ObjectStore` on AWS S3 or any S3-compatible server (MinIO, Ceph RGW, ...):
 *
 * ```ts
 * const store = new S3Store({ bucket: 'models', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true });
 * const registry = createRegistry({ backend: store });
 * ```
 *
 * Etags are handed out without quotes. Conditional writes are checked against the live server by
 * `verifyCapabilities()` (the registry calls it before its first write).
 */
export class S3Store implements ObjectStore {
  /** The client every request goes through (the caller's own when one was passed). */
  readonly client: S3Client;
  readonly bucket: string;
  /** The key prefix with a trailing `/`, or `''`. */
  readonly prefix: string;
  readonly description: string;
  private current: StoreCapabilities = { conditionalWrites: true, staging: false, boundedMemory: true, fileCopy: false };
  private verified: Promise<StoreCapabilities> | undefined;
  private readonly context: S3Context;

  /** Validates the options at once; throws `InvalidInputError` naming each bad field. */
  constructor(options: S3StoreOptions) {
    const resolved = parseS3StoreOptions(options);
    this.client = createS3Client(resolved);
    this.bucket = resolved.bucket;
    this.prefix = resolved.prefix === '' ? '' : `${resolved.prefix}/`;
    this.context = new S3Context(this.client, this.bucket, resolved);
    const location = [this.bucket, resolved.prefix].filter(Boolean).join('/');
    this.description = `s3://${location}${resolved.endpoint === undefined ? '' : ` at ${redactSecrets(resolved.endpoint)}`}`;
  }

  /** Conditional writes are assumed until `verifyCapabilities()` has asked the server. */
  get capabilities(): StoreCapabilities {
    return this.current;
  }

  async put(key: string, body: PutBody, options: PutOptions = {}): Promise<PutResult> {
    return { etag: await uploadObject(this.context, this.prefix + key, body, options) };
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    return downloadObject(this.context, this.prefix + key, options);
  }

  async head(key: string, options: OperationOptions = {}): Promise<ObjectInfo | undefined> {
    const head = await headObject(this.context, this.prefix + key, options.signal);
    return head && { size: head.ContentLength ?? 0, etag: normalizeEtag(head.ETag), lastModified: head.LastModified ?? new Date(0) };
  }

  list(prefix: string, options: ListOptions = {}): AsyncIterable<ListEntry> {
    return listObjects(this.context, this.prefix + prefix, this.prefix, options);
  }

  async delete(keys: readonly string[], options: OperationOptions = {}): Promise<void> {
    await deleteObjects(this.context, keys.map((key) => this.prefix + key), options);
  }

  async touch(key: string, options: OperationOptions = {}): Promise<void> {
    await touchObject(this.context, this.prefix + key, options);
  }

  /**
   * Multipart uploads under `prefix` never completed nor aborted (e.g. by a killed push): `id` is the
   * upload id, `startedAt` its Initiated time, `size` the sum of its parts. Uploads are listed one
   * page at a time, and each one's parts are listed before it is yielded.
   */
  listIncompleteWrites(prefix: string, options: OperationOptions = {}): AsyncIterable<IncompleteWrite> {
    return listIncompleteUploads(this.context, this.prefix + prefix, this.prefix, options);
  }

  /** Aborts the multipart upload, which frees its parts; one already completed or aborted is not an error. */
  async removeIncompleteWrite(write: IncompleteWrite, options: OperationOptions = {}): Promise<void> {
    if (write.key === undefined) {
      throw new InvalidInputError(`Cannot abort multipart upload ${write.id}: S3 needs its key too. Pass the write as listIncompleteWrites returned it.`);
    }
    await abortIncompleteUpload(this.context, this.prefix + write.key, write.id, options);
  }

  /**
   * Asks the server once whether it enforces conditional writes (a few tiny writes under
   * `<prefix>/.modelreg-probe/`, deleted afterwards). A failed probe is retried on the next call.
   */
  verifyCapabilities(options: OperationOptions = {}): Promise<StoreCapabilities> {
    this.verified ??= probeConditionalWrites(this, options).then(
      (conditionalWrites) => (this.current = { ...this.current, conditionalWrites }),
      (error: unknown) => {
        this.verified = undefined;
        throw error;
      },
    );
    return this.verified;
  }
}
