import { describe, expect, it } from '@jest/globals';
import { StorageSharedKeyCredential } from '@azure/storage-blob';
import { invalidInputFrom } from '@modelreg/core/testing';
import { LazyDefaultAzureCredential } from '../src/default-credential.js';
import { AzureBlobStore, storeFromUrl } from '../src/index.js';

const SECRET = 'c2VjcmV0LWtleQ==';
const CONNECTION_STRING = `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${SECRET};EndpointSuffix=core.windows.net`;

const open = (url: string, env: NodeJS.ProcessEnv = {}) => storeFromUrl(url, { env, baseDir: '/srv/project' });
const rejection = (url: string, env: NodeJS.ProcessEnv = {}) => invalidInputFrom(() => open(url, env));

describe('storeFromUrl (azure)', () => {
  it('opens az://account/container/prefix with DefaultAzureCredential, described without credentials', () => {
    const store = open('az://acct/models/team-a/prod');
    expect(store).toBeInstanceOf(AzureBlobStore);
    expect(store.description).toBe('az://acct/models/team-a/prod');
    expect(store.containerClient.url).toBe('https://acct.blob.core.windows.net/models');
    expect(store.containerClient.credential).toBeInstanceOf(LazyDefaultAzureCredential);
    expect(open('az://acct/models?endpoint=http://127.0.0.1:10000/acct').containerClient.url).toBe('http://127.0.0.1:10000/acct/models');
  });

  it('signs in with AZURE_STORAGE_CONNECTION_STRING when it names the same account and no endpoint is given', () => {
    const env = { AZURE_STORAGE_CONNECTION_STRING: CONNECTION_STRING };
    expect(open('az://acct/models/p', env).containerClient.credential).toBeInstanceOf(StorageSharedKeyCredential);
    expect(open('az://other/models/p', env).containerClient.credential).toBeInstanceOf(LazyDefaultAzureCredential);
    expect(open('az://acct/models?endpoint=https://acct.blob.core.windows.net', env).containerClient.credential).toBeInstanceOf(LazyDefaultAzureCredential);
  });

  it('opens a connection string with ;Container= and ;Prefix=, which the SDK never sees', () => {
    const store = open(`${CONNECTION_STRING};Container=models;Prefix=team-b`);
    expect(store.description).toBe('az://acct/models/team-b');
    expect(store.containerClient.containerName).toBe('models');
    expect(store.containerClient.credential).toBeInstanceOf(StorageSharedKeyCredential);
    expect(open(`${CONNECTION_STRING};Container=models`).description).toBe('az://acct/models');
  });

  it('names what is wrong, never showing a key or a SAS token', () => {
    const noContainer = rejection(CONNECTION_STRING).message;
    expect(noContainer).toContain('is an Azure connection string that names no container: append ;Container=<name>');
    expect(noContainer).not.toContain(SECRET);
    const noAccount = rejection(`DefaultEndpointsProtocol=https;AccountKey=${SECRET};Container=models`).message;
    expect(noAccount).toContain('names no account: it needs AccountName= or BlobEndpoint=');
    expect(noAccount).not.toContain(SECRET);
    expect(rejection('az://acct').message).toContain('must name an account and a container');
    expect(rejection('az://acct/Bad_Container').message).toContain('Invalid AzureBlobStore options: container');
    const sas = rejection('az://acct/models?sv=2024&sig=SECRETSIG').message;
    expect(sas).toContain('Unknown parameter "sv" in registry URL az://acct/models; allowed: endpoint.');
    expect(sas).not.toContain('SECRETSIG');
    expect(rejection('s3://bucket/prefix').message).toContain('is not an Azure registry');
  });
});
