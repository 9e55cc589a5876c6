import { BlobServiceClient, ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { LazyDefaultAzureCredential } from './default-credential.js';
import type { ParsedAzureBlobStoreOptions } from './options.js';

/** The client for the one container a store works in, built from whichever way to authenticate was given. */
export function createContainerClient(options: ParsedAzureBlobStoreOptions): ContainerClient {
  if (options.containerClient) return options.containerClient;
  if (options.sasUrl) return new ContainerClient(options.sasUrl);
  const container = options.container!;
  if (options.connectionString) return new ContainerClient(options.connectionString, container);
  const serviceUrl = options.endpoint ?? `https://${options.account}.blob.core.windows.net`;
  if (options.accountKey) {
    return new BlobServiceClient(serviceUrl, new StorageSharedKeyCredential(options.account!, options.accountKey)).getContainerClient(container);
  }
  const credential = options.credential === 'default' ? new LazyDefaultAzureCredential() : options.credential!;
  return new BlobServiceClient(serviceUrl, credential).getContainerClient(container);
}
