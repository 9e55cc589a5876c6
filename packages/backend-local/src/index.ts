export { LocalStore, LocalStagedWrite, INTERNAL_FOLDER, type LocalStoreOptions } from './local-store.js';
