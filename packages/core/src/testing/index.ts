export { runStoreConformance, type StoreConformanceOptions } from './store-conformance.js';
export { runRegistryConformance, type RegistryConformanceOptions } from './registry-conformance.js';
export { randomPrefix, PrefixedStore, CountingStore, pseudoRandomStream, sampleMemory, invalidInputFrom } from './helpers.js';
