import { afterEach, it } from '@jest/globals';
import type { ContainerClient } from '@azure/storage-blob';
import { runCopySession } from '../../cli/test/support/copy-session.js';
import { createTestContainer, testAccount, testConnectionString } from './support/azure.js';

const containers: ContainerClient[] = [];

afterEach(async () => {
  for (const container of containers.splice(0)) await container.deleteIfExists();
});

it('copies a local registry to Azure and from Azure back to a local folder with the CLI', async () => {
  const container = await createTestContainer('copy');
  containers.push(container);
  const { account } = testAccount();
  await runCopySession('local', `az://${account}/${container.containerName}/team-a`, { AZURE_STORAGE_CONNECTION_STRING: testConnectionString() });
});
