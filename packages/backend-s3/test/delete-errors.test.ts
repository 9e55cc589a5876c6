import { afterEach, expect, it } from '@jest/globals';
import { AccessDeniedError, BackendError } from '@modelreg/core';
import { S3Store } from '../src/index.js';
import { type LenientS3Server, startLenientS3Server } from './support/lenient-s3-server.js';
import { recordCommands } from './support/record-commands.js';

// Real servers cannot portably be made to refuse single keys of a batch (MinIO's root user
// bypasses bucket policies), so the per-key report is checked against a local imitation.
let server: LenientS3Server | undefined;
afterEach(async () => {
  await server?.close();
});

function storeOn(endpoint: string): S3Store {
  return new S3Store({ bucket: 'delete-test', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
}

it('deletes in batches of 1,000 and names every key the service refused, with its code', async () => {
  server = await startLenientS3Server({ conditions: 'enforced', refuseDeletes: { 'k/0003': 'InternalError', 'k/1500': 'AccessDenied' } });
  const store = storeOn(server.endpoint);
  const sent = recordCommands(store.client);
  const keys = Array.from({ length: 2001 }, (_, i) => `k/${String(i).padStart(4, '0')}`);

  const error = await store.delete(keys).catch((failure: unknown) => failure);

  expect(sent.filter((name) => name === 'DeleteObjectsCommand')).toHaveLength(3);
  expect(error).toBeInstanceOf(BackendError);
  expect((error as BackendError).message).toContain('could not delete 2 of 2001 keys: k/0003 (InternalError: InternalError), k/1500 (AccessDenied: AccessDenied)');
});

it('reports a batch refused only for lack of permission as AccessDeniedError', async () => {
  server = await startLenientS3Server({ conditions: 'enforced', refuseDeletes: { 'a/locked': 'AccessDenied' } });
  const error = await storeOn(server.endpoint).delete(['a/free', 'a/locked']).catch((failure: unknown) => failure);
  expect(error).toBeInstanceOf(AccessDeniedError);
  expect((error as AccessDeniedError).message).toContain('a/locked (AccessDenied');
});
