export { LocalStore, LocalStagedWrite, INTERNAL_FOLDER } from './local-store.js';
export type { LocalStoreOptions } from './options.js';
export { storeFromUrl } from './url.js';
