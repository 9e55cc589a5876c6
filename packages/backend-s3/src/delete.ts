import { DeleteObjectsCommand, type _Error } from '@aws-sdk/client-s3';
import { AccessDeniedError, BackendError, type OperationOptions } from '@modelreg/core/backend';
import { type S3Context, call } from './context.js';

/** DeleteObjects takes at most this many keys per request. */
const MAX_KEYS_PER_REQUEST = 1000;
/** Failed keys named in an error message; the rest are counted. */
const KEYS_IN_MESSAGE = 10;

/**
 * Deletes keys in batches of 1,000. Missing keys are not an error (S3 reports them deleted).
 * Every batch is attempted; keys the service refused are then reported together, by key and code.
 */
export async function deleteObjects(context: S3Context, keys: readonly string[], options: OperationOptions): Promise<void> {
  const failures: _Error[] = [];
  for (let start = 0; start < keys.length; start += MAX_KEYS_PER_REQUEST) {
    const batch = keys.slice(start, start + MAX_KEYS_PER_REQUEST);
    const result = await call(context, 'DeleteObjects', { key: batch[0], signal: options.signal }, (abortSignal) =>
      context.client.send(
        new DeleteObjectsCommand({ Bucket: context.bucket, Delete: { Objects: batch.map((key) => ({ Key: key })), Quiet: true } }),
        { abortSignal },
      ),
    );
    failures.push(...(result.Errors ?? []));
  }
  if (failures.length === 0) return;
  const listed = failures.slice(0, KEYS_IN_MESSAGE).map((failure) => `${failure.Key} (${failure.Code ?? 'unknown'}${failure.Message ? `: ${failure.Message}` : ''})`);
  const more = failures.length > KEYS_IN_MESSAGE ? ` and ${failures.length - KEYS_IN_MESSAGE} more` : '';
  const message = `S3 DeleteObjects in bucket "${context.bucket}" could not delete ${failures.length} of ${keys.length} keys: ${listed.join(', ')}${more}`;
  if (failures.every((failure) => failure.Code === 'AccessDenied')) throw new AccessDeniedError(message, { key: failures[0]!.Key });
  throw new BackendError(message, { key: failures[0]!.Key, serviceCode: failures[0]!.Code });
}
