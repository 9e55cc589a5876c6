import { expect, test } from '@jest/globals';
import { AZURE_VARIABLES, startTestRegistry } from '../src/index.js';

// Without a server named by the environment, the kit starts one itself (Azurite: it starts in about a second).
delete process.env[AZURE_VARIABLES.connectionString];
delete process.env[AZURE_VARIABLES.container];

function endpointIn(description: string): string {
  const endpoint = /at (http:\/\/[^\s,]+)/.exec(description)?.[1];
  if (endpoint === undefined) throw new Error(`no endpoint in ${description}`);
  return endpoint;
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(endpoint, { headers: { connection: 'close' } });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

test('a server the kit starts is shared by the registries of the process and stopped with the last of them', async () => {
  const [first, second] = await Promise.all([startTestRegistry({ backend: 'azure' }), startTestRegistry({ backend: 'azure' })]);
  const endpoint = endpointIn(first.description);
  expect(first.description).toMatch(/Azurite/);
  expect(endpointIn(second.description)).toBe(endpoint);

  await first.stop();
  expect(await answers(endpoint)).toBe(true);
  await second.registry.push('a/b/c', [{ name: 'm', body: Buffer.from('still served') }]);

  await second.stop();
  expect(await answers(endpoint)).toBe(false);

  const third = await startTestRegistry({ backend: 'azure' });
  try {
    expect(endpointIn(third.description)).not.toBe(endpoint);
    expect((await third.registry.push('a/b/c', [{ name: 'm', body: Buffer.from('a new server') }])).version).toBe(1);
  } finally {
    await third.stop();
  }
});
