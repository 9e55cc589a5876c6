// `@modelreg/core/loader`: what an inference function needs to resolve and load versions, and no
// more, so a serverless cold start imports (and a bundle holds) only the read side of modelreg.
// Everything here is also exported by `@modelreg/core`.
export * from '../errors.js';
export type * from '../store/object-store.js';
export type { ModelName } from '../format/keys.js';
export { type ModelRef, type RefInput, formatRef, parseRef } from '../format/refs.js';
export type { Artifact, ArtifactKind, Dependency, Manifest } from '../format/manifest.js';
export type { RegistryConfig } from '../registry/config.js';
export type { AliasInfo, CallOptions, FoldSet, RegistryReadApi, ResolvedVersion, VersionInfo } from '../registry/types.js';
export { RegistryReader, createRegistryReader } from '../registry/registry-reader.js';
export { Loader, createLoader, type LoadedModel, type LoadedFolds, type LoadedStack, type PreloadResult } from './loader.js';
export type { LoaderOptions, ResolvedLoaderOptions, VerifyPolicy, LoaderWarning } from './options.js';
export type { LoaderStats } from './loader-stats.js';
export type { EvictionReport } from './eviction.js';
export type { ArtifactSelection } from '../selection/artifact-selection.js';
export type { ClosurePart } from '../selection/dependency-closure.js';
