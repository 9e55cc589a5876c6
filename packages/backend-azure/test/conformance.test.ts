import type { ContainerClient } from '@azure/storage-blob';
import type { ObjectStore } from '@modelreg/core';
import { runRegistryConformance, runStoreConformance } from '@modelreg/core/testing';
import { AzureBlobStore } from '../src/index.js';
import { createTestContainer, testAccount, testConnectionString } from './support/azure.js';

const containers = new Map<ObjectStore, ContainerClient>();

/** A store in a container of its own (the conformance suites put core's guard in front of it). */
async function storeInNewContainer(label: string, options: (container: string) => ConstructorParameters<typeof AzureBlobStore>[0]): Promise<ObjectStore> {
  const container = await createTestContainer(label);
  const store = new AzureBlobStore(options(container.containerName));
  containers.set(store, container);
  return store;
}

async function deleteContainer(store: ObjectStore): Promise<void> {
  await containers.get(store)?.deleteIfExists();
}

// Default options, the full 256 MiB streamed round trip with its memory bound.
runStoreConformance({
  name: 'azure (connection string)',
  capabilities: { conditionalWrites: true, staging: false, boundedMemory: true, fileCopy: false },
  createStore: () => storeInNewContainer('conformance', (container) => ({ connectionString: testConnectionString(), container })),
  destroyStore: deleteContainer,
  putsFiles: true,
});

// A store prefix, listing pages of 100 entries (so the 1,050 keys and the groups span pages), and small blocks.
runStoreConformance({
  name: 'azure (account key, prefix, small pages and blocks)',
  capabilities: { conditionalWrites: true, staging: false, boundedMemory: true, fileCopy: false },
  createStore: () =>
    storeInNewContainer('conformance-paged', (container) => ({ ...testAccount(), container, prefix: 'nested/prefix', listPageSize: 100, blockSize: 1024 * 1024 })),
  destroyStore: deleteContainer,
  largeObjectBytes: 24 * 1024 * 1024,
  putsFiles: true,
});

runRegistryConformance({
  name: 'azure',
  createStore: () => storeInNewContainer('registry', (container) => ({ connectionString: testConnectionString(), container })),
  destroyStore: deleteContainer,
});
