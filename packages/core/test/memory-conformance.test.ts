import { MemoryStore } from '../src/index.js';
import { runRegistryConformance, runStoreConformance } from '../src/testing/index.js';

// The memory store holds objects in the heap, so the large round trip is kept small here.
runStoreConformance({ name: 'memory', capabilities: { conditionalWrites: true, staging: false, boundedMemory: false, fileCopy: false }, createStore: () => new MemoryStore(), largeObjectBytes: 8 * 1024 * 1024 });
runRegistryConformance({ name: 'memory', createStore: () => new MemoryStore() });
