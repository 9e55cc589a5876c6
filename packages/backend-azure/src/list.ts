import type { BlobItem, BlobPrefix, ContainerClient } from '@azure/storage-blob';
import { type ListEntry } from '@modelreg/core/backend';
import { compareKeys } from '@modelreg/core/backend';
import { normalizeEtag } from './etag.js';

export interface BlobListOptions {
  delimiter?: '/' | undefined;
  pageSize: number;
  signal?: AbortSignal | undefined;
  /** Blob name to store key (drops the store's prefix). */
  toKey: (name: string) => string;
  translate: (error: unknown) => Error;
}

/** Every blob (and, with a delimiter, every common prefix) under `prefix`, in byte order, page by page. */
export async function* listBlobs(client: ContainerClient, prefix: string, options: BlobListOptions): AsyncGenerator<ListEntry> {
  const pages = options.delimiter
    ? client.listBlobsByHierarchy(options.delimiter, { prefix, abortSignal: options.signal }).byPage({ maxPageSize: options.pageSize })
    : client.listBlobsFlat({ prefix, abortSignal: options.signal }).byPage({ maxPageSize: options.pageSize });
  const iterator = pages[Symbol.asyncIterator]();
  for (;;) {
    const page = await iterator.next().catch((error: unknown) => {
      throw options.translate(error);
    });
    if (page.done) return;
    const segment: { blobItems: BlobItem[]; blobPrefixes?: BlobPrefix[] | undefined } = page.value.segment;
    const { blobItems, blobPrefixes = [] } = segment;
    yield* mergeByName(
      blobPrefixes.map((blobPrefix): ListEntry => ({ type: 'prefix', prefix: options.toKey(blobPrefix.name) })),
      blobItems.map((item) => objectEntry(item, options.toKey)),
    );
  }
}

function objectEntry(item: BlobItem, toKey: (name: string) => string): ListEntry {
  return {
    type: 'object',
    key: toKey(item.name),
    size: item.properties.contentLength ?? 0,
    etag: normalizeEtag(item.properties.etag),
    lastModified: item.properties.lastModified,
  };
}

/** A page returns its prefixes and its blobs as two sorted lists; the contract wants one. */
function* mergeByName(prefixes: ListEntry[], objects: ListEntry[]): Generator<ListEntry> {
  const name = (entry: ListEntry) => (entry.type === 'object' ? entry.key : entry.prefix);
  let p = 0;
  let o = 0;
  while (p < prefixes.length || o < objects.length) {
    if (o === objects.length || (p < prefixes.length && compareKeys(name(prefixes[p]!), name(objects[o]!)) < 0)) yield prefixes[p++]!;
    else yield objects[o++]!;
  }
}
