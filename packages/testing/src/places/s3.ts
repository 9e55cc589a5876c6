import type { S3StoreConnectionOptions } from '@modelreg/backend-s3';
import type { S3Connection } from '../servers/types.js';
import { type Place, emptyStore, uniqueName } from './place.js';

/** Options for an `S3Store` on a test server. */
export function s3StoreOptions(connection: S3Connection, bucket: string, prefix = ''): S3StoreConnectionOptions {
  return {
    bucket,
    prefix,
    endpoint: connection.endpoint,
    region: connection.region,
    forcePathStyle: true,
    credentials: { accessKeyId: connection.accessKeyId, secretAccessKey: connection.secretAccessKey },
  };
}

/** Creates the bucket unless this account already owns it. */
export async function ensureS3Bucket(connection: S3Connection, bucket: string): Promise<void> {
  const { S3Store, CreateBucketCommand } = await s3Modules();
  const store = new S3Store(s3StoreOptions(connection, bucket));
  try {
    await store.client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if ((error as Error).name !== 'BucketAlreadyOwnedByYou') throw error;
  } finally {
    store.client.destroy();
  }
}

/** A bucket of its own, or a prefix of its own in the connection's shared bucket. */
export async function s3Place(connection: S3Connection, label: string): Promise<Place> {
  const { S3Store, CreateBucketCommand, DeleteBucketCommand } = await s3Modules();
  const name = uniqueName(label);
  const ownBucket = connection.bucket === undefined;
  const bucket = connection.bucket ?? name;
  const prefix = ownBucket ? '' : name;
  const store = new S3Store(s3StoreOptions(connection, bucket, prefix));
  if (ownBucket) await store.client.send(new CreateBucketCommand({ Bucket: bucket }));
  const query = new URLSearchParams({ endpoint: connection.endpoint, region: connection.region });
  return {
    store,
    url: `s3://${bucket}/${prefix}?${query}`,
    env: { AWS_ACCESS_KEY_ID: connection.accessKeyId, AWS_SECRET_ACCESS_KEY: connection.secretAccessKey, AWS_REGION: connection.region },
    remove: async () => {
      try {
        await emptyStore(store);
        if (ownBucket) await store.client.send(new DeleteBucketCommand({ Bucket: bucket }));
      } finally {
        store.client.destroy();
      }
    },
  };
}

/** The AWS SDK loads only when an S3 registry is asked for: memory and local test registries stay quick to import. */
async function s3Modules() {
  const [{ S3Store }, { CreateBucketCommand, DeleteBucketCommand }] = await Promise.all([import('@modelreg/backend-s3'), import('@aws-sdk/client-s3')]);
  return { S3Store, CreateBucketCommand, DeleteBucketCommand };
}
