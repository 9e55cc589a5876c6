// Durable, atomic file helpers shared by the local backend and the loader.
export { writeFileAtomic, writeNewFile, tempPathFor, type AtomicWriteOptions } from './atomic-file.js';
export { DurableFileWriter } from './durable-file.js';
export { dirEntries } from './dir-entries.js';
export { withFileLock, type FileLockOptions } from './file-lock.js';
export { syncPath } from './sync.js';
