export { AzureBlobStore } from './azure-blob-store.js';
export type { AzureBlobStoreOptions } from './options.js';
export { storeFromUrl } from './url.js';
