// For backend authors: the `ObjectStore` contract, the errors, and the helpers an implementation
// uses. Backends import only this entry, so loading a backend does not load the whole registry.
export * from './errors.js';
export type * from './store/object-store.js';
export { GuardedStore, assertValidKey } from './store/guarded-store.js';
export { compareKeys } from './store/memory-store.js';
export { redactSecrets } from './util/redact.js';
export { prefixSchema } from './registry/config.js';
export { parseOptions, describeIssues } from './util/parse-options.js';
export { lazySchema } from './util/lazy-schema.js';
export { READ_CHUNK_BYTES, readAll, withTranslatedErrors } from './util/streams.js';
