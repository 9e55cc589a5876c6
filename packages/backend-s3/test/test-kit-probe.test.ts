import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { UnsafeStoreError } from '@modelreg/core';
import { S3_VARIABLES, startTestRegistry } from '@modelreg/testing';
import { type ConditionHandling, type LenientS3Server, startLenientS3Server } from './support/lenient-s3-server.js';

// The test kit asks the same capability probe as S3Store before it hands a registry over, so a
// server that ignores conditional writes (s3rver, MinIO before RELEASE.2025-09-07T16-13-09Z)
// fails at start with the reason, not at some later push.

const servers: LenientS3Server[] = [];

beforeAll(() => {
  // The kit reads the server from these at its first registry in this file; each test sets the endpoint.
  Object.assign(process.env, { [S3_VARIABLES.accessKeyId]: 'key', [S3_VARIABLES.secretAccessKey]: 'secret', [S3_VARIABLES.bucket]: 'shared' });
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

test.each<ConditionHandling>(['ignored', 'if-match-creates-missing'])('a server whose conditional writes are %s is refused at start', async (conditions) => {
  const server = await startLenientS3Server({ conditions });
  servers.push(server);
  process.env[S3_VARIABLES.endpoint] = server.endpoint;
  const attempt = startTestRegistry({ backend: 's3' });
  await expect(attempt).rejects.toThrow(UnsafeStoreError);
  await expect(attempt).rejects.toThrow(server.endpoint); // this test's server, not the previous one
  await expect(attempt).rejects.toThrow(/If-None-Match \/ If-Match.*MinIO.*allowUnsafeStore/s);
  // The probe's own objects were deleted again.
  expect([...server.objects.keys()]).toEqual([]);
});
