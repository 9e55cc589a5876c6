import { afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuardedStore } from '@modelreg/core';
import { runRegistryConformance, runStoreConformance } from '@modelreg/core/testing';
import { LocalStore } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'modelreg-local-conformance-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Behind core's GuardedStore, as the registry uses every backend: the guard refuses bad keys, ranges and fired signals.
runStoreConformance({ name: 'local', createStore: () => new GuardedStore(new LocalStore({ root })) });
runRegistryConformance({ name: 'local', createStore: () => new LocalStore({ root }) });
