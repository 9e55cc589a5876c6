import { afterEach } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { S3Store, type S3StoreConnectionOptions } from '../../src/index.js';

/** The S3 server the tests run against; the global setup publishes it in MODELREG_TEST_S3_* variables. */
export interface S3TestConfig {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  region: string;
}

export function s3TestConfig(): S3TestConfig {
  const { MODELREG_TEST_S3_ENDPOINT, MODELREG_TEST_S3_ACCESS_KEY, MODELREG_TEST_S3_SECRET_KEY, MODELREG_TEST_S3_BUCKET, MODELREG_TEST_S3_REGION } = process.env;
  if (!MODELREG_TEST_S3_ENDPOINT || !MODELREG_TEST_S3_ACCESS_KEY || !MODELREG_TEST_S3_SECRET_KEY || !MODELREG_TEST_S3_BUCKET) {
    throw new Error('No S3 test server: run these tests through the jest config at the repository root, whose global setup provides one.');
  }
  return {
    endpoint: MODELREG_TEST_S3_ENDPOINT,
    accessKeyId: MODELREG_TEST_S3_ACCESS_KEY,
    secretAccessKey: MODELREG_TEST_S3_SECRET_KEY,
    bucket: MODELREG_TEST_S3_BUCKET,
    region: MODELREG_TEST_S3_REGION ?? 'us-east-1',
  };
}

/** Store options for the test server; `overrides` replace any of them. */
export function testStoreOptions(overrides: Partial<S3StoreConnectionOptions> = {}): S3StoreConnectionOptions {
  const config = s3TestConfig();
  return {
    bucket: config.bucket,
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: true,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    ...overrides,
  };
}

export function createTestStore(overrides: Partial<S3StoreConnectionOptions> = {}): S3Store {
  return new S3Store(testStoreOptions(overrides));
}

/**
 * Returns a maker of key prefixes no other test uses, labelled `label-<random>`; after each test
 * the objects under every prefix it made are deleted.
 */
export function uniquePrefixes(label: string): () => string {
  const made: string[] = [];
  afterEach(async () => {
    for (const prefix of made.splice(0)) {
      const store = createTestStore({ prefix });
      const keys: string[] = [];
      for await (const entry of store.list('')) if (entry.type === 'object') keys.push(entry.key);
      if (keys.length > 0) await store.delete(keys);
    }
  });
  return () => {
    const prefix = `${label}-${randomBytes(6).toString('hex')}`;
    made.push(prefix);
    return prefix;
  };
}
