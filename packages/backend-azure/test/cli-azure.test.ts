import { afterEach, expect, it } from '@jest/globals';
import type { ContainerClient } from '@azure/storage-blob';
import { runRemoteSession } from '../../cli/test/support/remote-session.js';
import { modelreg, withTempDir } from '../../cli/test/support/cli.js';
import { createTestContainer, testAccount, testConnectionString } from './support/azure.js';

const containers: ContainerClient[] = [];

afterEach(async () => {
  for (const container of containers.splice(0)) await container.deleteIfExists();
});

async function testContainer(): Promise<string> {
  const container = await createTestContainer('cli');
  containers.push(container);
  return container.containerName;
}

it('runs a CLI session on the Azure server with the connection string from AZURE_STORAGE_CONNECTION_STRING', async () => {
  const { account } = testAccount();
  await runRemoteSession(`az://${account}/${await testContainer()}/team-a`, { AZURE_STORAGE_CONNECTION_STRING: testConnectionString() });
});

it('reports a missing container in one line, and never prints the account key', async () => {
  const { account, accountKey } = testAccount();
  await withTempDir(async (cwd) => {
    const result = await modelreg(['ls', '-r', `az://${account}/no-such-container-cli`], { cwd, env: { AZURE_STORAGE_CONNECTION_STRING: testConnectionString() } });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('no-such-container-cli');
    expect(result.stderr).not.toContain(accountKey);
    const debug = await modelreg(['ls', '--debug', '-r', `az://${account}/no-such-container-cli`], { cwd, env: { AZURE_STORAGE_CONNECTION_STRING: testConnectionString() } });
    expect(debug.stderr).not.toContain(accountKey);
  });
});
