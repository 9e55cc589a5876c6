import {
  AbortedError, AccessDeniedError, BackendError, InvalidInputError, type ModelregError, NotFoundError, PreconditionFailedError, isModelregError,
} from '@modelreg/core/backend';

export interface S3ErrorContext {
  /** The S3 operation, e.g. `GetObject`. */
  operation: string;
  bucket: string;
  /** The full object key (store prefix included), when the operation is about one object. */
  key?: string | undefined;
  /** The multipart upload, when the operation is about one. */
  uploadId?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** What SDK errors (service exceptions, network errors, credential errors) carry; all optional. */
interface SdkErrorShape {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

const ACCESS_DENIED = new Set([
  'AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired',
  'AllAccessDisabled', 'AccountProblem', 'CredentialsProviderError',
]);
const NOT_FOUND = new Set(['NoSuchKey', 'NotFound']);
// AWS answers 409 ConditionalRequestConflict when a concurrent write to the same key won the race.
const PRECONDITION = new Set(['PreconditionFailed', 'ConditionalRequestConflict']);
const INVALID_INPUT = new Set(['InvalidArgument', 'InvalidRange', 'KeyTooLongError', 'EntityTooLarge', 'EntityTooSmall', 'InvalidPart', 'InvalidPartOrder', 'InvalidBucketName']);

/**
 * The one place where S3 SDK errors become modelreg errors. Maps on the error name, the service
 * code and the HTTP status (Ceph RGW answers "UnknownError" as the message; name and status are
 * right). Auth and network failures never become "not found".
 */
export function translateS3Error(error: unknown, context: S3ErrorContext): ModelregError {
  if (isModelregError(error)) return error;
  const sdk = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const code = sdk.Code ?? sdk.name ?? sdk.code ?? 'UnknownError';
  const status = sdk.$metadata?.httpStatusCode;
  const requestId = sdk.$metadata?.requestId;
  const key = context.key;
  const upload = context.uploadId === undefined ? '' : `multipart upload ${context.uploadId} of `;
  const target = key === undefined ? `bucket "${context.bucket}"` : `${upload}${key} in bucket "${context.bucket}"`;
  const details = `${code}${status === undefined ? '' : `, HTTP ${status}`}${requestId === undefined ? '' : `, request id ${requestId}`}`;
  const options = { key, cause: error };

  if (context.signal?.aborted || sdk.name === 'AbortError') {
    return new AbortedError(`S3 ${context.operation} on ${target} was aborted`, options);
  }
  if (code === 'NoSuchBucket') return missingBucketError(context.bucket, context.operation, error, requestId);
  if (ACCESS_DENIED.has(code) || status === 403) {
    return new AccessDeniedError(
      `S3 ${context.operation} on ${target} was refused (${details}). Check the credentials and that they may use this bucket and prefix.`,
      options,
    );
  }
  if (PRECONDITION.has(code) || status === 412) {
    return new PreconditionFailedError(`S3 ${context.operation} on ${target}: condition not met (${details})`, options);
  }
  // About one multipart upload: AWS answers NoSuchUpload, Ceph RGW's ListParts NoSuchKey. Elsewhere (a
  // part of a running upload) NoSuchUpload stays a BackendError: the object key is not what is missing.
  if (context.uploadId !== undefined && (NOT_FOUND.has(code) || code === 'NoSuchUpload')) {
    return new NotFoundError(`S3 ${context.operation}: ${target} does not exist (it was completed or aborted)`, options);
  }
  if (NOT_FOUND.has(code)) {
    return new NotFoundError(`Object ${target} does not exist`, options);
  }
  if (INVALID_INPUT.has(code) || status === 416) {
    return new InvalidInputError(`S3 ${context.operation} on ${target} rejected the request (${details}): ${sdk.message ?? ''}`.trimEnd(), options);
  }
  const reason = status === undefined ? `could not complete: ${sdk.message ?? code}` : `failed (${details})`;
  return new BackendError(`S3 ${context.operation} on ${target} ${reason}`, {
    ...options,
    serviceCode: code,
    requestId,
    statusCode: status,
  });
}

/** Not a `NotFoundError`: callers treat that as "this key is absent", and a missing bucket is a setup error. */
export function missingBucketError(bucket: string, operation: string, cause: unknown, requestId?: string): BackendError {
  return new BackendError(`Bucket "${bucket}" does not exist (S3 ${operation} answered 404). Create it, or fix the bucket option.`, {
    key: bucket,
    cause,
    serviceCode: 'NoSuchBucket',
    requestId,
    statusCode: 404,
  });
}
