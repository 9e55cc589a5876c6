// What users of the registry need. Helpers for backend authors: `@modelreg/core/backend` and
// `@modelreg/core/fs`; the conformance suites: `@modelreg/core/testing`.
export * from './errors.js';
export type * from './store/object-store.js';
export { GuardedStore } from './store/guarded-store.js';
export { MemoryStore } from './store/memory-store.js';
export * from './format/ids.js';
export { KeyScheme, formatName, type LineFilter, type ModelName, type ParsedKey } from './format/keys.js';
export * from './format/refs.js';
export * from './format/manifest.js';
export type { AliasDocument, AliasEvent } from './format/alias-document.js';
export { type Digest, isDigest, sha256 } from './format/digest.js';
export type { ArtifactBody } from './blobs/sources.js';
export * from './registry/config.js';
export type { ArtifactInput, PushMeta } from './registry/push-input.js';
export type * from './registry/types.js';
export { Registry, createRegistry } from './registry/registry.js';
export type { PullTarget } from './registry/pull.js';
export * from './registry/compare.js';
export type { GcOptions, GcReport } from './maintenance/gc.js';
export type { RetainOptions, RetainReport } from './maintenance/retention.js';
export type { RegistryStats } from './maintenance/stats.js';
export type { VerifyReport } from './maintenance/verify.js';
export type { LineageEntry } from './maintenance/lineage.js';
export type { UnreadableEntry } from './maintenance/manifest-scan.js';
export { Loader, createLoader, type LoadedModel, type PreloadResult } from './loader/loader.js';
export { type LoaderOptions, type ResolvedLoaderOptions, type VerifyPolicy, type LoaderWarning, loaderOptionsSchema } from './loader/options.js';
export type { EvictionReport } from './loader/eviction.js';
export { readAll } from './util/streams.js';
