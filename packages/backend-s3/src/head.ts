import { HeadObjectCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { NotFoundError } from '@modelreg/core/backend';
import { type S3Context, call } from './context.js';

/** HeadObject, or undefined when the key does not exist (and the bucket does). */
export async function headObject(context: S3Context, key: string, signal: AbortSignal | undefined): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await call(context, 'HeadObject', { key, signal }, (abortSignal) =>
      context.client.send(new HeadObjectCommand({ Bucket: context.bucket, Key: key }), { abortSignal }),
    );
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    await context.confirmBucket(signal);
    return undefined;
  }
}

/** HeadObject that throws `NotFoundError` for a missing key. */
export async function requireObject(context: S3Context, key: string, signal: AbortSignal | undefined): Promise<HeadObjectCommandOutput> {
  const head = await headObject(context, key, signal);
  if (!head) throw new NotFoundError(`Object ${key} does not exist in bucket "${context.bucket}"`, { key });
  return head;
}
