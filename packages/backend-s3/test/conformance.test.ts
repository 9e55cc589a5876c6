import { runRegistryConformance, runStoreConformance } from '@modelreg/core/testing';
import { createTestStore } from './support/s3-test-config.js';

runStoreConformance({ name: 's3', capabilities: { conditionalWrites: true, staging: false, boundedMemory: true, fileCopy: false }, createStore: () => createTestStore() });
runRegistryConformance({ name: 's3', createStore: () => createTestStore() });
