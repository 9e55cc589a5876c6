import {
  AbortedError, AccessDeniedError, BackendError, IntegrityError, type ModelregError, NotFoundError, PreconditionFailedError, isModelregError,
} from '@modelreg/core/backend';

export interface ErrorContext {
  /** What was attempted, e.g. `put` or `list`. */
  operation: string;
  /** The full blob name (or listing prefix) involved. */
  key?: string | undefined;
  /** The store, for messages: its container URL (never a SAS token) and prefix. */
  store: string;
  /** The container's name. */
  container: string;
  signal?: AbortSignal | undefined;
}

/** The fields the SDK's `RestError` (and a failed batch sub-request) carries. */
interface AzureFailure {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  details?: { errorCode?: string; 'x-ms-request-id'?: string } | undefined;
  response?: { headers?: { get(name: string): string | undefined } } | undefined;
}

const ACCESS_DENIED_CODES = new Set([
  'AuthenticationFailed', 'AuthorizationFailure', 'AuthorizationPermissionMismatch', 'AuthorizationResourceTypeMismatch',
  'AuthorizationServiceMismatch', 'AuthorizationProtocolMismatch', 'AuthorizationSourceIPMismatch', 'InsufficientAccountPermissions',
  'KeyBasedAuthenticationNotPermitted', 'NoAuthenticationInformation', 'InvalidAuthenticationInfo',
]);

/**
 * The one place where @azure/storage-blob errors become core errors. Only `BlobNotFound` means
 * "not found": a missing container, a refused credential or a network failure never does.
 */
export function translateAzureError(error: unknown, context: ErrorContext): ModelregError {
  if (isModelregError(error)) return error;
  const failure = (typeof error === 'object' && error !== null ? error : {}) as AzureFailure;
  const { key } = context;
  const on = key === undefined ? `in ${context.store}` : `"${key}" in ${context.store}`;
  if (context.signal?.aborted || failure.name === 'AbortError') {
    return new AbortedError(`Azure ${context.operation} of ${on} was aborted`, { key, cause: context.signal?.reason ?? error });
  }
  // HEAD responses have no body, so their code only arrives in the x-ms-error-code header (details.errorCode).
  const serviceCode = failure.details?.errorCode ?? (failure.statusCode === undefined ? undefined : failure.code);
  const statusCode = failure.statusCode;
  const requestId = failure.details?.['x-ms-request-id'] ?? failure.response?.headers?.get('x-ms-request-id');
  const reason = `${[statusCode, serviceCode].filter(Boolean).join(' ')}${requestId ? `, request id ${requestId}` : ''}`;
  const options = { key, cause: error };

  if (serviceCode === 'BlobNotFound') return new NotFoundError(`Object ${on} does not exist`, options);
  // Other 412s (LeaseIdMissing, LeaseLost, ...) are lease conflicts, not a lost conditional write.
  if (serviceCode === 'BlobAlreadyExists' || serviceCode === 'ConditionNotMet') {
    return new PreconditionFailedError(
      `Conditional ${context.operation} of ${on} lost: ${serviceCode === 'BlobAlreadyExists' ? 'the object already exists' : 'its etag no longer matches'} (${reason})`,
      options,
    );
  }
  if (statusCode === 401 || statusCode === 403 || (serviceCode !== undefined && ACCESS_DENIED_CODES.has(serviceCode))) {
    return new AccessDeniedError(
      `Azure refused ${context.operation} of ${on} (${reason}): check the account key, SAS token (expiry, permissions) or the role assigned to the credential`,
      options,
    );
  }
  if (serviceCode === 'Md5Mismatch' || serviceCode === 'Crc64Mismatch') {
    return new IntegrityError(
      `Azure refused ${context.operation} of ${on} (${reason}): the bytes it received do not match the checksum sent with them, so they were damaged on the way; try again`,
      options,
    );
  }
  const backendOptions = { ...options, serviceCode, statusCode, requestId };
  if (serviceCode === 'ContainerNotFound') {
    return new BackendError(
      `Container "${context.container}" does not exist (${context.store}, ${reason}): create it, or fix the container option`,
      backendOptions,
    );
  }
  if (serviceCode === 'InvalidBlockList') {
    // Azure drops a blob's uncommitted blocks whenever anything is committed to it.
    return new BackendError(
      `Azure ${context.operation} of ${on} failed (${reason}): another writer replaced the object while this upload was staging its blocks; try again`,
      backendOptions,
    );
  }
  const detail = String(failure.message ?? error).split('\n')[0];
  if (statusCode === undefined) {
    return new BackendError(`Azure ${context.operation} of ${on} failed before the service answered: ${detail}`, backendOptions);
  }
  return new BackendError(`Azure ${context.operation} of ${on} failed (${reason}): ${detail}`, backendOptions);
}
