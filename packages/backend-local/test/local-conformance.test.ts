import { afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRegistryConformance, runStoreConformance } from '@modelreg/core/testing';
import { LocalStore } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'modelreg-local-conformance-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

runStoreConformance({ name: 'local', capabilities: { conditionalWrites: true, staging: true, boundedMemory: true, fileCopy: true }, createStore: () => new LocalStore({ root }) });
runRegistryConformance({ name: 'local', createStore: () => new LocalStore({ root }) });
