import { safeParse } from 'zod/mini';
import type { $ZodError, $ZodType, output } from 'zod/v4/core';
import { InvalidInputError } from '../errors.js';

/** Formats zod issues as `path: message` lines instead of a raw dump. */
export function describeIssues(error: $ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .concat(error.issues.length > 5 ? [`... and ${error.issues.length - 5} more`] : [])
    .join('; ');
}

/**
 * Validates options (or a config) up front with their zod schema, from `zod` or `zod/mini`. The
 * error names each offending field, e.g. `Invalid S3Store options: bucket: must name a bucket.`
 */
export function parseOptions<S extends $ZodType>(
  schema: S,
  input: unknown,
  what: string,
  toError: (message: string) => Error = (message) => new InvalidInputError(message),
): output<S> {
  const result = safeParse(schema, input);
  if (!result.success) throw toError(`Invalid ${what}: ${describeIssues(result.error)}.`);
  return result.data;
}
