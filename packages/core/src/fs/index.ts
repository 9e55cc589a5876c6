// Durable, atomic file helpers shared by the local backend and the loader. They are exported by
// `@modelreg/core/backend`, the entry for backend authors; this entry stays for code written against it.
export { writeFileAtomic, writeNewFile, tempPathFor, type AtomicWriteOptions, DurableFileWriter, dirEntries, withFileLock, type FileLockOptions, syncPath } from '../backend.js';
