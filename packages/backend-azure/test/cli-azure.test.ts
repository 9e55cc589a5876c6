import { afterEach, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

it('takes a connection string naming its container as the registry, and prints it nowhere', async () => {
  const { account, accountKey } = testAccount();
  const container = await testContainer();
  await withTempDir(async (cwd) => {
    await writeFile(join(cwd, 'model.bin'), Buffer.alloc(4096, 3));
    const registry = `${testConnectionString()};Container=${container};Prefix=team-b`;
    const runs = [
      await modelreg(['push', 'shop/sales/xgb', 'model.bin', '--json'], { cwd, env: { MODELREG_REGISTRY: registry } }),
      await modelreg(['stats', '--json', '-r', registry], { cwd, env: {} }),
    ];
    for (const run of runs) {
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).not.toContain(accountKey);
    }
    expect(JSON.parse(runs[0]!.stdout)).toMatchObject({ ref: 'shop/sales/xgb@1', uploadedBytes: 4096 });
    expect(JSON.parse(runs[1]!.stdout)).toMatchObject({ registry: `az://${account}/${container}/team-b`, versions: 1, blobs: 1 });
    // The same registry through az:// and the environment variable: the prefix was honoured.
    const listed = await modelreg(['ls', '--json', '-r', `az://${account}/${container}/team-b`], { cwd, env: { AZURE_STORAGE_CONNECTION_STRING: testConnectionString() } });
    expect(JSON.parse(listed.stdout)).toEqual({ stores: ['shop'] });
  });
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
