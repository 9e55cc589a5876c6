import {
  AbortedError, AccessDeniedError, BackendError, InvalidInputError, ModelregError, NotFoundError,
} from '@modelreg/core/backend';

/** The one place filesystem errors become core errors. */
export function translateFsError(error: unknown, key: string, root: string): Error {
  if (error instanceof ModelregError) return error;
  const { code, message } = error as NodeJS.ErrnoException;
  if ((error as Error)?.name === 'AbortError') return new AbortedError(`Operation aborted on ${key}`, { key, cause: error });
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new NotFoundError(`Object ${key} does not exist in ${root}`, { key, cause: error });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new AccessDeniedError(`No permission for ${key} in ${root} (${code}); check the folder's owner and mode.`, { key, cause: error });
    case 'EISDIR':
      return new InvalidInputError(`Key ${key} names a folder in ${root}, not an object.`, { key, cause: error });
    default:
      return new BackendError(`Filesystem error on ${key} in ${root}: ${message ?? String(error)}`, { key, cause: error, serviceCode: code });
  }
}
