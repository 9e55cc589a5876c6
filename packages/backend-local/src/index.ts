export { LocalStore, INTERNAL_FOLDER } from './local-store.js';
export { LocalStagedFile, LocalStagedWrite } from './staged-writes.js';
export type { LocalStoreOptions } from './options.js';
export { storeFromUrl } from './url.js';
