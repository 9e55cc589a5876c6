// For backend authors: what an `ObjectStore` implementation uses besides the contract and the errors.
export type * from './store/object-store.js';
export { GuardedStore, assertValidKey } from './store/guarded-store.js';
export { compareKeys } from './store/memory-store.js';
export { throwIfAborted } from './errors.js';
export { prefixSchema } from './registry/config.js';
export { parseOptions, describeIssues } from './util/parse-options.js';
export { READ_CHUNK_BYTES, readAll, withTranslatedErrors } from './util/streams.js';
