import { Readable } from 'node:stream';
import type { ContainerClient } from '@azure/storage-blob';
import {
  BackendError, type GetOptions, type GetResult, type ListEntry, type ListOptions, NotFoundError, type ObjectInfo,
  type ObjectStore, type OperationOptions, type PutBody, type PutFileOptions, type PutOptions, type PutResult, type StoreCapabilities,
} from '@modelreg/core/backend';
import { createContainerClient } from './client.js';
import { deleteBlobs } from './delete.js';
import { downloadBlob } from './download.js';
import { normalizeEtag } from './etag.js';
import { listBlobs } from './list.js';
import { type AzureBlobStoreOptions, MAX_BLOCKS_PER_BLOB, type ParsedAzureBlobStoreOptions, parseAzureBlobStoreOptions } from './options.js';
import { translateAzureError } from './translate-error.js';
import { type BlobUploadOptions, uploadBlob, uploadFileBlob } from './upload.js';

/**
 * An `ObjectStore` on one Azure Blob Storage container (or Azurite), optionally under a key prefix.
 * Conditional writes are enforced by the service, including for bodies uploaded as staged blocks.
 */
export class AzureBlobStore implements ObjectStore {
  readonly capabilities: StoreCapabilities = { conditionalWrites: true, staging: false, boundedMemory: true, fileCopy: false };
  readonly description: string;
  /** The client of the container in use, e.g. to create the container: `store.containerClient.createIfNotExists()`. */
  readonly containerClient: ContainerClient;
  private readonly options: ParsedAzureBlobStoreOptions;
  /** `<prefix>/`, or empty: prepended to every key. */
  private readonly root: string;

  constructor(options: AzureBlobStoreOptions) {
    this.options = parseAzureBlobStoreOptions(options);
    this.containerClient = createContainerClient(this.options);
    this.root = this.options.prefix === '' ? '' : `${this.options.prefix}/`;
    // The location without credentials: no key, no SAS token, no endpoint.
    const account = this.options.account ?? this.containerClient.accountName;
    this.description = `az://${[account, this.containerClient.containerName, this.options.prefix].filter(Boolean).join('/')}`;
  }

  async put(key: string, body: PutBody, options: PutOptions = {}): Promise<PutResult> {
    const stream = body instanceof Readable ? body : Readable.from([body]);
    const size = body instanceof Readable ? options.size : body.length;
    return this.uploaded(key, await uploadBlob(this.blockBlob(key), stream, this.uploadOptions(key, size, options)));
  }

  /** Reads the file by ranges straight into the block buffers: no stream chunks to allocate, copy and collect. */
  async putFile(key: string, path: string, options: PutFileOptions & { size: number }): Promise<PutResult> {
    return this.uploaded(key, await uploadFileBlob(this.blockBlob(key), path, options.size, { ...this.uploadOptions(key, options.size, options), onBytes: options.onBytes, beforeCommit: options.beforeCommit }));
  }

  private uploadOptions(key: string, size: number | undefined, options: PutOptions): BlobUploadOptions {
    return {
      key,
      // A body of known size gets blocks large enough to stay within Azure's block count.
      blockSize: Math.max(this.options.blockSize, Math.ceil((size ?? 0) / MAX_BLOCKS_PER_BLOB)),
      concurrency: this.options.concurrency,
      conditions: { ifNoneMatch: options.ifNoneMatch, ifMatch: options.ifMatch === undefined ? undefined : normalizeEtag(options.ifMatch) },
      contentType: options.contentType,
      signal: options.signal,
      translate: (error) => this.translate(error, 'put', key, options.signal),
    };
  }

  private uploaded(key: string, etag: string | undefined): PutResult {
    if (etag === undefined) throw new BackendError(`Azure stored ${key} in ${this.description} but returned no ETag`, { key });
    return { etag: normalizeEtag(etag) };
  }

  private blockBlob(key: string) {
    return this.containerClient.getBlockBlobClient(this.blobName(key));
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    return downloadBlob(this.containerClient.getBlobClient(this.blobName(key)), {
      range: options.range,
      signal: options.signal,
      translate: (error) => this.translate(error, 'get', key, options.signal),
    });
  }

  async head(key: string, options: OperationOptions = {}): Promise<ObjectInfo | undefined> {
    try {
      const properties = await this.containerClient.getBlobClient(this.blobName(key)).getProperties({ abortSignal: options.signal });
      return { size: properties.contentLength!, etag: normalizeEtag(properties.etag!), lastModified: properties.lastModified! };
    } catch (error) {
      const translated = this.translate(error, 'head', key, options.signal);
      if (translated instanceof NotFoundError) return undefined;
      throw translated;
    }
  }

  list(prefix: string, options: ListOptions = {}): AsyncIterable<ListEntry> {
    return listBlobs(this.containerClient, this.blobName(prefix), {
      delimiter: options.delimiter,
      pageSize: this.options.listPageSize,
      signal: options.signal,
      toKey: (name) => name.slice(this.root.length),
      translate: (error) => this.translate(error, 'list', prefix, options.signal),
    });
  }

  async delete(keys: readonly string[], options: OperationOptions = {}): Promise<void> {
    if (keys.length === 0) return;
    await deleteBlobs(
      this.containerClient,
      keys.map((key) => this.blobName(key)),
      {
        batch: this.options.batchDelete,
        concurrency: this.options.concurrency,
        signal: options.signal,
        translate: (error, name) => this.translate(error, 'delete', name?.slice(this.root.length), options.signal),
      },
    );
  }

  /** Sets (empty) metadata: a server-side write that moves Last-Modified (and the ETag) without moving data. */
  async touch(key: string, options: OperationOptions = {}): Promise<void> {
    await this.containerClient
      .getBlobClient(this.blobName(key))
      .setMetadata({}, { abortSignal: options.signal })
      .catch((error: unknown) => {
        throw this.translate(error, 'touch', key, options.signal);
      });
  }

  private blobName(key: string): string {
    return this.root + key;
  }

  private translate(error: unknown, operation: string, key: string | undefined, signal: AbortSignal | undefined): Error {
    return translateAzureError(error, { operation, key, store: this.description, container: this.containerClient.containerName, signal });
  }
}
