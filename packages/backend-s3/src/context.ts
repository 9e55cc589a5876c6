import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { type ModelregError, NotFoundError } from '@modelreg/core/backend';
import { missingBucketError, translateS3Error } from './translate-error.js';

export interface TransferLimits {
  readonly partSize: number;
  readonly queueSize: number;
}

export interface CallOptions {
  /** The full object key, for error messages. */
  key?: string | undefined;
  /** The multipart upload the request is about, for error messages. */
  uploadId?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** What every S3 operation module needs: the client, the bucket and the transfer limits. */
export class S3Context implements TransferLimits {
  readonly partSize: number;
  readonly queueSize: number;
  private bucketConfirmed: Promise<void> | undefined;

  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    limits: TransferLimits,
  ) {
    this.partSize = limits.partSize;
    this.queueSize = limits.queueSize;
  }

  /**
   * HEAD answers a bare 404 for a missing bucket and for a missing key alike. After such a 404,
   * this asks once whether the bucket exists, and throws an error naming it when it does not.
   */
  confirmBucket(signal: AbortSignal | undefined): Promise<void> {
    this.bucketConfirmed ??= call(this, 'HeadBucket', { signal }, (abortSignal) =>
      this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal }),
    ).then(
      () => undefined,
      (error: unknown) => {
        this.bucketConfirmed = undefined;
        throw error instanceof NotFoundError ? missingBucketError(this.bucket, 'HeadBucket', error) : error;
      },
    );
    return this.bucketConfirmed;
  }
}

/**
 * Runs one S3 request and translates any failure into a modelreg error; `operation` names the
 * S3 API in messages, e.g. `call(context, 'HeadObject', { key }, (abortSignal) => client.send(...))`.
 * The SDK refuses to send with a fired signal, which also stops loops over pages and parts.
 */
export async function call<T>(
  context: S3Context,
  operation: string,
  options: CallOptions,
  request: (abortSignal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  try {
    return await request(options.signal);
  } catch (error) {
    throw toStoreError(context, operation, error, options);
  }
}

export function toStoreError(context: S3Context, operation: string, error: unknown, options: CallOptions = {}): ModelregError {
  return translateS3Error(error, { operation, bucket: context.bucket, key: options.key, uploadId: options.uploadId, signal: options.signal });
}
