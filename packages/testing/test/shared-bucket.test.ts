import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { AzureBlobStore } from '@modelreg/backend-azure';
import { S3Store } from '@modelreg/backend-s3';
import type { ObjectStore } from '@modelreg/core';
import { AZURE_VARIABLES, S3_VARIABLES, ensureS3Bucket, s3StoreOptions, startTestRegistry } from '../src/index.js';

// A bucket and a container named by the environment are shared: each registry gets a prefix in it.
// Set before the first registry of this file, which is when the kit reads the environment.
const shared = `modelreg-shared-${randomBytes(4).toString('hex')}`;
const connection = {
  endpoint: process.env[S3_VARIABLES.endpoint]!,
  accessKeyId: process.env[S3_VARIABLES.accessKeyId]!,
  secretAccessKey: process.env[S3_VARIABLES.secretAccessKey]!,
  region: process.env[S3_VARIABLES.region] ?? 'us-east-1',
};
const bucketStore = new S3Store(s3StoreOptions(connection, shared));
const containerStore = new AzureBlobStore({ connectionString: process.env[AZURE_VARIABLES.connectionString]!, container: shared });

beforeAll(async () => {
  await ensureS3Bucket(connection, shared);
  await containerStore.containerClient.create();
  process.env[S3_VARIABLES.bucket] = shared;
  process.env[AZURE_VARIABLES.container] = shared;
});

afterAll(async () => {
  await containerStore.containerClient.delete();
  const { DeleteBucketCommand } = await import('@aws-sdk/client-s3');
  await bucketStore.client.send(new DeleteBucketCommand({ Bucket: shared }));
  bucketStore.client.destroy();
});

async function keysOf(store: ObjectStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of store.list('')) if (entry.type === 'object') keys.push(entry.key);
  return keys;
}

describe.each([
  ['s3', bucketStore],
  ['azure', containerStore],
] as const)('a shared %s bucket or container', (backend, whole) => {
  test('holds each registry under its own prefix, and stop() deletes only that prefix', async () => {
    const seed = { 'a/b/c': { files: { 'model.bin': 'bytes' } } };
    const first = await startTestRegistry({ backend, seed, label: 'one' });
    const second = await startTestRegistry({ backend, seed, label: 'two' });
    try {
      const prefixes = new Set((await keysOf(whole)).map((key) => key.split('/')[0]));
      expect(prefixes.size).toBe(2);
      expect([...prefixes].every((prefix) => prefix!.startsWith('modelreg-one-') || prefix!.startsWith('modelreg-two-'))).toBe(true);
      await first.stop();
      const left = await keysOf(whole);
      expect(left.length).toBeGreaterThan(0);
      expect(left.every((key) => key.startsWith('modelreg-two-'))).toBe(true);
      expect((await second.registry.resolve('a/b/c@latest')).version).toBe(1);
    } finally {
      await second.stop();
    }
    expect(await keysOf(whole)).toEqual([]);
  });
});
