/**
 * The normalized errors every backend and the registry throw. A caller never sees a vendor error
 * (`NoSuchKey`, `BlobNotFound`, `ENOENT`): each backend has one translator into these classes.
 */

export type ErrorCode =
  | 'NOT_FOUND'
  | 'PRECONDITION_FAILED'
  | 'ACCESS_DENIED'
  | 'INVALID_INPUT'
  | 'INTEGRITY'
  | 'INVALID_MANIFEST'
  | 'CONFLICT'
  | 'UNSAFE_STORE'
  | 'ABORTED'
  | 'BACKEND';

export interface ModelregErrorOptions {
  /** The storage key (or model reference) the failure is about. */
  key?: string | undefined;
  /** The native error this one was translated from. */
  cause?: unknown;
}

export abstract class ModelregError extends Error {
  abstract readonly code: ErrorCode;
  readonly key: string | undefined;

  constructor(message: string, options: ModelregErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.key = options.key;
  }
}

/** The object, version, alias or artifact does not exist. */
export class NotFoundError extends ModelregError {
  readonly code = 'NOT_FOUND';
}

/** A conditional write lost: `ifNoneMatch: '*'` on an existing key, or a stale `ifMatch` etag. */
export class PreconditionFailedError extends ModelregError {
  readonly code = 'PRECONDITION_FAILED';
}

/** The credentials were refused or lack a permission. Never reported as "not found". */
export class AccessDeniedError extends ModelregError {
  readonly code = 'ACCESS_DENIED';
}

/** The caller passed something unusable; nothing was written. */
export class InvalidInputError extends ModelregError {
  readonly code = 'INVALID_INPUT';
}

/** Bytes read back do not match their recorded digest or size. */
export class IntegrityError extends ModelregError {
  readonly code = 'INTEGRITY';
}

/** A manifest read from storage is not a valid schema v2 manifest (legacy or corrupt). */
export class InvalidManifestError extends ModelregError {
  readonly code = 'INVALID_MANIFEST';
}

/** The operation would break an invariant: an explicit version already taken, a version an alias points at. */
export class ConflictError extends ModelregError {
  readonly code = 'CONFLICT';
}

/** The store cannot make the guarantees the registry relies on (e.g. it ignores conditional writes). */
export class UnsafeStoreError extends ModelregError {
  readonly code = 'UNSAFE_STORE';
}

/** The operation was cancelled through its `AbortSignal`. */
export class AbortedError extends ModelregError {
  readonly code = 'ABORTED';
}

export interface BackendErrorOptions extends ModelregErrorOptions {
  /** The service's own error code, e.g. `SlowDown` or `ServerBusy`. */
  serviceCode?: string | undefined;
  /** The request id the service returned, for support tickets. */
  requestId?: string | undefined;
  statusCode?: number | undefined;
}

/** Any other failure of the storage service, with the service's code and request id kept. */
export class BackendError extends ModelregError {
  readonly code = 'BACKEND';
  readonly serviceCode: string | undefined;
  readonly requestId: string | undefined;
  readonly statusCode: number | undefined;

  constructor(message: string, options: BackendErrorOptions = {}) {
    super(message, options);
    this.serviceCode = options.serviceCode;
    this.requestId = options.requestId;
    this.statusCode = options.statusCode;
  }
}

export function isModelregError(error: unknown): error is ModelregError {
  return error instanceof ModelregError;
}

/** Throws `AbortedError` when the signal has fired; call before starting each unit of work. */
export function throwIfAborted(signal: AbortSignal | undefined, key?: string): void {
  if (signal?.aborted) {
    throw new AbortedError(`Operation aborted${key === undefined ? '' : ` on ${key}`}`, { key, cause: signal.reason });
  }
}

/**
 * Dependencies recorded in stored manifests loop back on themselves (a version reached again
 * through its own dependencies, or artifacts whose `dependsOn` form a ring), so no load order
 * exists. `cycle` names the loop, its first entry repeated at the end.
 */
export class DependencyCycleError extends IntegrityError {
  readonly cycle: string[];

  constructor(message: string, options: ModelregErrorOptions & { cycle: string[] }) {
    super(message, options);
    this.cycle = options.cycle;
  }
}
