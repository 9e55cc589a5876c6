// Throwaway registries and test servers for integration tests of code that uses modelreg.
export { type TestBackend, type TestRegistry, type TestRegistryOptions, startTestRegistry } from './test-registry.js';
export type { SeedContent, SeedFile, SeedFileWithOptions, SeedSpec, SeedVersion } from './seed-spec.js';
export { type SeededVersion, seedRegistry } from './seed.js';
export { type TestServers, jestGlobalSetup, jestGlobalTeardown, startTestServers } from './servers/test-servers.js';
export type { AzureConnection, S3Connection, ServerKind, TestServer } from './servers/types.js';
export { AZURE_VARIABLES, S3_VARIABLES } from './servers/environment.js';
export { MINIO_IMAGE } from './servers/minio.js';
export { DEV_ACCOUNT, DEV_ACCOUNT_KEY } from './servers/azurite.js';
export { ensureS3Bucket, s3StoreOptions } from './places/s3.js';
