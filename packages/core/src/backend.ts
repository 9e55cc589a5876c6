// For backend authors: the `ObjectStore` contract, the errors, and the helpers an implementation
// uses (durable files too, for stores on a filesystem). Backends import only this entry, so
// loading a backend does not load the whole registry.
export * from './errors.js';
export type * from './store/object-store.js';
export { GuardedStore, assertValidKey } from './store/guarded-store.js';
export { compareKeys } from './store/key-order.js';
export { redactSecrets } from './util/redact.js';
export { prefixSchema } from './registry/config.js';
export { parseOptions, describeIssues } from './util/parse-options.js';
export { lazySchema } from './util/lazy-schema.js';
export { READ_CHUNK_BYTES, readAll, withTranslatedErrors } from './util/streams.js';
export { writeFileAtomic, writeNewFile, tempPathFor, type AtomicWriteOptions } from './fs/atomic-file.js';
export { DurableFileWriter } from './fs/durable-file.js';
export { dirEntries } from './fs/dir-entries.js';
export { withFileLock, type FileLockOptions } from './fs/file-lock.js';
export { syncPath } from './fs/sync.js';
export * as z from './util/backend-schemas.js';
