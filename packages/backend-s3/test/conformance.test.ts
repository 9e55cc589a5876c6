import { GuardedStore } from '@modelreg/core';
import { runRegistryConformance, runStoreConformance } from '@modelreg/core/testing';
import { createTestStore } from './support/s3-test-config.js';

// Behind core's GuardedStore, as the registry uses every backend: the guard refuses bad keys, ranges and fired signals.
runStoreConformance({ name: 's3', createStore: () => new GuardedStore(createTestStore()) });
runRegistryConformance({ name: 's3', createStore: () => createTestStore() });
