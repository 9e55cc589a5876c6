import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { AccessDeniedError, BackendError, type ModelregError, NotFoundError } from '@modelreg/core';
import { AzureBlobStore } from '../src/index.js';
import { createTestContainer, testAccount, testConnectionString, uniqueContainerName } from './support/azure.js';

/** Every operation of the contract, so each test checks that none of them maps the failure differently. */
const operations: Array<[string, (store: AzureBlobStore) => Promise<unknown>]> = [
  ['put', (store) => store.put('k', Buffer.from('x'))],
  ['get', (store) => store.get('k')],
  ['head', (store) => store.head('k')],
  ['list', async (store) => {
    for await (const _ of store.list('')); // drain
  }],
  ['delete', (store) => store.delete(['k'])],
  ['touch', (store) => store.touch('k')],
];

async function failureOf(operation: () => Promise<unknown>): Promise<ModelregError> {
  try {
    await operation();
  } catch (error) {
    return error as ModelregError;
  }
  throw new Error('the operation succeeded');
}

describe('AzureBlobStore errors', () => {
  let container: ContainerClient;

  beforeAll(async () => {
    container = await createTestContainer('errors');
    await container.getBlockBlobClient('k').upload(Buffer.from('x'), 1);
  });
  afterAll(async () => {
    await container.deleteIfExists();
  });

  it.each(operations)('maps a wrong account key to AccessDeniedError on %s', async (_, operation) => {
    const store = new AzureBlobStore({ ...testAccount(), accountKey: Buffer.from('not the key').toString('base64'), container: container.containerName });
    const error = await failureOf(() => operation(store));
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error.message).toMatch(/Azure refused .* \(403 \w+, request id [\w-]+\): check the account key/);
  });

  it.each(operations)('reports a missing container by name on %s, never as a missing object', async (_, operation) => {
    const missing = uniqueContainerName('missing');
    const store = new AzureBlobStore({ connectionString: testConnectionString(), container: missing });
    const error = await failureOf(() => operation(store));
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ serviceCode: 'ContainerNotFound', statusCode: 404, requestId: expect.any(String) });
    expect(error.message).toContain(`Container "${missing}" does not exist`);
  });

  it('reports an unreachable service as a BackendError, not as a missing object', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const { account, accountKey } = testAccount();
    const containerClient = new ContainerClient(
      `http://127.0.0.1:${closedPort}/${account}/${container.containerName}`,
      new StorageSharedKeyCredential(account, accountKey),
      { retryOptions: { maxTries: 1 } },
    );
    const error = await failureOf(() => new AzureBlobStore({ containerClient }).head('k'));
    expect(error).toBeInstanceOf(BackendError);
    expect(error).not.toBeInstanceOf(NotFoundError);
    expect(error.message).toMatch(/failed before the service answered: .*ECONNREFUSED/);
  });
});
