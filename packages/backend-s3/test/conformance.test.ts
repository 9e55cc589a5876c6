import { runRegistryConformance, runStoreConformance } from '@modelreg/core/testing';
import { createTestStore } from './support/s3-test-config.js';

runStoreConformance({ name: 's3', createStore: () => createTestStore() });
runRegistryConformance({ name: 's3', createStore: () => createTestStore() });
