import { runRegistryConformance, runStoreConformance, tempDirPerBlock } from '@modelreg/core/testing';
import { LocalStore } from '../src/index.js';

const root = tempDirPerBlock('local-conformance');

runStoreConformance({ name: 'local', capabilities: { conditionalWrites: true, staging: true, boundedMemory: true, fileCopy: true }, createStore: () => new LocalStore({ root: root.path }) });
runRegistryConformance({ name: 'local', createStore: () => new LocalStore({ root: root.path }) });
