import { BlobStore } from '../blobs/blob-store.js';
import { KeyScheme } from '../format/keys.js';
import { GuardedStore } from '../store/guarded-store.js';
import { AliasBook } from './alias-book.js';
import { type RegistryConfig, type ResolvedRegistryConfig, parseRegistryConfig } from './config.js';
import { VersionReader } from './version-reader.js';
import { WriteGuard } from './write-guard.js';

/** The building blocks of a registry on one store, wired once from a validated config. */
export interface RegistryParts {
  settings: ResolvedRegistryConfig;
  /** The backend behind the guard that validates keys, honours aborts and normalizes errors. */
  store: GuardedStore;
  keys: KeyScheme;
  /** Where the registry lives, for messages, without credentials. */
  location: string;
  blobs: BlobStore;
  aliases: AliasBook;
  reader: VersionReader;
  writeGuard: WriteGuard;
}

export function registryParts(config: RegistryConfig): RegistryParts {
  const settings = parseRegistryConfig(config);
  const store = new GuardedStore(settings.backend);
  const keys = new KeyScheme(settings.prefix);
  const aliases = new AliasBook(store, keys, settings.aliasHistoryLimit);
  return {
    settings,
    store,
    keys,
    location: keys.prefix === '' ? store.description : `${store.description} (prefix ${keys.prefix})`,
    blobs: new BlobStore(store, keys, { tempDir: settings.tempDir }),
    aliases,
    reader: new VersionReader(store, keys, aliases, settings.concurrency),
    writeGuard: new WriteGuard(store, settings.allowUnsafeStore),
  };
}
