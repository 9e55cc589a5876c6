import { S3_VARIABLES, ensureS3Bucket, startTestServers } from '@modelreg/testing';

const DEFAULT_BUCKET = 'modelreg-test';

/**
 * One S3 server for the whole run, found or started by @modelreg/testing (the one owner of test
 * servers), and the bucket these tests share; the test workers, forked afterwards, get both through
 * MODELREG_TEST_S3_* variables. (Plain JS: jest loads global setup files outside its ESM transform.)
 */
export default async function globalSetup() {
  const servers = await startTestServers(['s3']);
  // Read by the global teardown, which jest runs in this same process.
  globalThis.modelregS3TestServers = servers;
  const [server] = servers.servers;
  const bucket = server.connection.bucket ?? DEFAULT_BUCKET;
  await ensureS3Bucket(server.connection, bucket);
  process.env[S3_VARIABLES.bucket] = bucket;
  process.stderr.write(`\nbackend-s3 tests use ${server.description}, bucket ${bucket}\n`);
}
