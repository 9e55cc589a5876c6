import type { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import { describeIssues } from '../format/manifest.js';

/**
 * Validates options (or a config) up front with their zod schema. The error names each offending
 * field, e.g. `Invalid S3Store options: bucket: must name a bucket.`
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
  toError: (message: string) => Error = (message) => new InvalidInputError(message),
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw toError(`Invalid ${what}: ${describeIssues(result.error)}.`);
  return result.data;
}
