import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startS3TestServer } from './server/s3-test-server.mjs';

/**
 * Starts (or finds) one S3 server for the whole run, creates the test bucket, and hands the server
 * to the test workers through MODELREG_TEST_S3_* variables. (Plain JS: jest loads global setup
 * files outside its ESM transform.)
 */
export default async function globalSetup() {
  const server = await startS3TestServer();
  // Read by the global teardown, which jest runs in this same process.
  globalThis.modelregS3TestServer = server;
  // Even when jest exits without running the teardown.
  process.once('exit', () => globalThis.modelregS3TestServer?.stopSync());
  const { config } = server;
  Object.assign(process.env, {
    MODELREG_TEST_S3_ENDPOINT: config.endpoint,
    MODELREG_TEST_S3_ACCESS_KEY: config.accessKeyId,
    MODELREG_TEST_S3_SECRET_KEY: config.secretAccessKey,
    MODELREG_TEST_S3_BUCKET: config.bucket,
    MODELREG_TEST_S3_REGION: config.region,
  });
  await createBucket(config);
  process.stderr.write(`\nbackend-s3 tests use ${server.description}\n`);
}

async function createBucket(config) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: true,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: config.bucket }));
  } catch (error) {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
  } finally {
    client.destroy();
  }
}
