import { describe, expect, it } from '@jest/globals';
import { ContainerClient } from '@azure/storage-blob';
import { invalidInputFrom } from '@modelreg/core/testing';
import { LazyDefaultAzureCredential } from '../src/default-credential.js';
import { AzureBlobStore, type AzureBlobStoreOptions } from '../src/index.js';

// Validation happens in the constructor, before any request: these tests need no server.
const CONNECTION_STRING = 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net';
const SAS_URL = 'https://acct.blob.core.windows.net/models?sv=2025-01-05&sp=racwdl&sig=c2ln';

const rejection = (options: unknown) => invalidInputFrom(() => new AzureBlobStore(options as AzureBlobStoreOptions));

describe('AzureBlobStore options', () => {
  it('accepts each way to reach a container and describes the store without secrets', () => {
    expect(new AzureBlobStore({ connectionString: CONNECTION_STRING, container: 'models', prefix: '/team-a/prod/' }).description).toBe(
      'az://acct/models/team-a/prod',
    );
    expect(new AzureBlobStore({ account: 'acct', accountKey: 'a2V5', container: 'models' }).description).toBe('az://acct/models');
    expect(new AzureBlobStore({ account: 'devstoreaccount1', accountKey: 'a2V5', endpoint: 'http://127.0.0.1:10000/devstoreaccount1', container: 'models' }).description).toBe(
      'az://devstoreaccount1/models',
    );
    const fromSas = new AzureBlobStore({ sasUrl: SAS_URL });
    expect(fromSas.description).toBe('az://acct/models');
    expect(fromSas.containerClient.containerName).toBe('models');
    const credential = { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 60_000 }) };
    expect(new AzureBlobStore({ credential, account: 'acct', container: 'models' }).description).toBe('az://acct/models');
    const client = new ContainerClient(SAS_URL);
    expect(new AzureBlobStore({ containerClient: client }).containerClient).toBe(client);
  });

  it('rejects a missing way to authenticate, naming the ways there are', () => {
    expect(rejection({ container: 'models' }).message).toMatch(/exactly one way to reach the container: connectionString, account \+ accountKey, sasUrl, credential, containerClient; got none/);
  });

  it('rejects two ways to authenticate at once', () => {
    expect(rejection({ connectionString: CONNECTION_STRING, sasUrl: SAS_URL, container: 'models' }).message).toMatch(/got connectionString and sasUrl/);
    expect(rejection({ connectionString: CONNECTION_STRING, account: 'acct', accountKey: 'a2V5', container: 'models' }).message).toMatch(
      /got connectionString and account \+ accountKey/,
    );
    expect(rejection({ containerClient: new ContainerClient(SAS_URL), sasUrl: SAS_URL }).message).toMatch(/got sasUrl and containerClient/);
  });

  it('names the field that is missing, not allowed here, or malformed', () => {
    expect(rejection({ connectionString: CONNECTION_STRING }).message).toMatch(/container: required with connectionString/);
    expect(rejection({ accountKey: 'a2V5', container: 'models' }).message).toMatch(/account: required with accountKey/);
    expect(rejection({ account: 'acct', accountKey: 'not base64!', container: 'models' }).message).toMatch(/accountKey: must be the base64 account key/);
    expect(rejection({ connectionString: CONNECTION_STRING, container: 'Models_2' }).message).toMatch(/container: 3-63 lowercase letters/);
    expect(rejection({ containerClient: new ContainerClient(SAS_URL), container: 'models' }).message).toMatch(/container: not allowed with containerClient/);
    expect(rejection({ sasUrl: SAS_URL, container: 'models' }).message).toMatch(/container: not allowed with sasUrl/);
    expect(rejection({ sasUrl: 'https://acct.blob.core.windows.net/models' }).message).toMatch(/sasUrl: must carry a SAS token/);
    expect(rejection({ connectionString: CONNECTION_STRING, container: 'models', endpoint: 'http://127.0.0.1:10000/x' }).message).toMatch(
      /endpoint: not allowed with connectionString/,
    );
    expect(rejection({ credential: { getToken: async () => null }, container: 'models' }).message).toMatch(/endpoint: required with credential/);
    expect(rejection({ credential: 'azure-cli', account: 'acct', container: 'models' }).message).toMatch(/credential: must be a TokenCredential or 'default'/);
    expect(rejection({ containerClient: { containerName: 'models' } }).message).toMatch(/containerClient: must be a ContainerClient/);
  });

  it('checks the tuning options and the prefix', () => {
    const base = { connectionString: CONNECTION_STRING, container: 'models' };
    expect(rejection({ ...base, blockSize: 1000 }).message).toMatch(/blockSize:/);
    expect(rejection({ ...base, concurrency: 0 }).message).toMatch(/concurrency:/);
    expect(rejection({ ...base, listPageSize: 5001 }).message).toMatch(/listPageSize:/);
    expect(rejection({ ...base, prefix: 'team/../other' }).message).toMatch(/prefix: Invalid prefix/);
    expect(rejection({ ...base, containerName: 'typo' }).message).toMatch(/containerName/);
  });

  it("builds the store with a lazily loaded DefaultAzureCredential for credential: 'default'", () => {
    const store = new AzureBlobStore({ credential: 'default', account: 'acct', container: 'models' });
    expect(store.containerClient.credential).toBeInstanceOf(LazyDefaultAzureCredential);
  });

  it("reports a missing @azure/identity (an optional peer) when the store is built, not at the first request", () => {
    expect(() => new LazyDefaultAzureCredential('@modelreg/no-such-identity-package')).toThrow(
      /credential: 'default' needs the optional peer dependency @modelreg\/no-such-identity-package; install it/,
    );
  });
});
