import { expect, it } from '@jest/globals';
import { AbortedError, copyRegistry, createRegistry, openRegistry } from '@modelreg/core';
import { pseudoRandomStream, tempDirPerTest } from '@modelreg/core/testing';
import { runCopySession } from '../../cli/test/support/copy-session.js';
import { createTestStore, s3TestConfig, uniquePrefixes } from './support/s3-test-config.js';

const MIB = 1024 * 1024;
const LINE = 'shop/sales/xgb';
/** A prefix no other test uses; its objects are deleted after the test. */
const uniquePrefix = uniquePrefixes('copy');
const folder = tempDirPerTest('copy-s3');

it('copies a local registry to S3 and from S3 back to a local folder with the CLI', async () => {
  const { bucket, endpoint, region, accessKeyId, secretAccessKey } = s3TestConfig();
  const s3 = `s3://${bucket}/${uniquePrefix()}?endpoint=${encodeURIComponent(endpoint)}&region=${region}`;
  await runCopySession('local', s3, { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_PROFILE: undefined });
});

it('streams a multipart-sized blob from a local registry to S3, resumes after an abort mid-upload, and verifies what arrived', async () => {
  const local = await openRegistry(folder.path);
  const size = 24 * MIB;
  const { stream, digest } = pseudoRandomStream(size, 'copy-s3');
  await local.push(LINE, [{ name: 'model.bin', body: stream }]);
  await local.promote(`${LINE}@1`);
  const destination = { backend: createTestStore({ prefix: uniquePrefix(), partSize: 5 * MIB }) };

  const controller = new AbortController();
  const interrupted = copyRegistry(folder.path, destination, {
    signal: controller.signal,
    onProgress: (event) => void (event.type === 'artifact-progress' && event.transferredBytes >= 8 * MIB && controller.abort()),
  });
  await expect(interrupted).rejects.toBeInstanceOf(AbortedError);
  const s3 = createRegistry(destination);
  expect(await s3.stores()).toEqual([]); // nothing committed

  const resumed = await copyRegistry(folder.path, destination);
  expect(resumed).toMatchObject({ versions: { copied: [`${LINE}@1`] }, aliases: { copied: [`${LINE}@production`] }, blobs: { copied: 1, copiedBytes: size } });
  expect((await s3.manifest(`${LINE}@production`)).artifacts[0]!.digest).toBe(digest);
  expect(await s3.verify()).toMatchObject({ ok: true, checkedBlobs: 1 });

  const again = await copyRegistry(folder.path, destination);
  expect(again.blobs).toEqual({ copied: 0, copiedBytes: 0, present: 0, presentBytes: 0 });
  expect(again.versions.unchanged).toEqual([`${LINE}@1`]);
});
