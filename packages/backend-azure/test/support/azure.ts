import { randomBytes } from 'node:crypto';
import { ContainerClient } from '@azure/storage-blob';
import { AZURE_VARIABLES } from '@modelreg/testing';

const CONNECTION_STRING_VARIABLE = AZURE_VARIABLES.connectionString;

/** The connection string of the server the global setup started (or was given). */
export function testConnectionString(): string {
  const connectionString = process.env[CONNECTION_STRING_VARIABLE];
  if (!connectionString) {
    throw new Error(`${CONNECTION_STRING_VARIABLE} is not set: run these tests through jest, whose backend-azure globalSetup provides a server.`);
  }
  return connectionString;
}

/** Account, key and blob endpoint of the test server, for tests of the account + accountKey options. */
export function testAccount(): { account: string; accountKey: string; endpoint: string } {
  const fields = new Map(
    testConnectionString()
      .split(';')
      .filter(Boolean)
      .map((field) => [field.slice(0, field.indexOf('=')), field.slice(field.indexOf('=') + 1)] as const),
  );
  const account = fields.get('AccountName');
  const accountKey = fields.get('AccountKey');
  if (!account || !accountKey) throw new Error(`${CONNECTION_STRING_VARIABLE} must name AccountName and AccountKey for these tests.`);
  return { account, accountKey, endpoint: fields.get('BlobEndpoint') ?? `https://${account}.blob.core.windows.net` };
}

/** A container name no other test uses. */
export function uniqueContainerName(label: string): string {
  return `${label}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Creates a fresh container; delete it with `deleteIfExists()` when done. */
export async function createTestContainer(label: string): Promise<ContainerClient> {
  const container = new ContainerClient(testConnectionString(), uniqueContainerName(label));
  await container.create();
  return container;
}
