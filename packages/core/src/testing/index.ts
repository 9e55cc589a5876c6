export { runStoreConformance, type StoreConformanceOptions } from './store-conformance.js';
export { runRegistryConformance, type RegistryConformanceOptions } from './registry-conformance.js';
export { randomPrefix, PrefixedStore, CountingStore, pseudoRandomStream, sampleMemory, invalidInputFrom } from './helpers.js';
export { SimulatedS3Store, type SimulatedS3Options, type RequestKind } from './simulated-s3.js';
export { tempDirPerTest, tempDirPerBlock, type TempDir } from './temp-dirs.js';
