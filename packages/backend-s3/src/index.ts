export { S3Store } from './s3-store.js';
export type { ChecksumMode, S3StoreClientOptions, S3StoreConnectionOptions, S3StoreOptions } from './options.js';
export { storeFromUrl } from './url.js';
