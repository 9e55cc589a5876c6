import * as z from 'zod/mini';
import { lazySchema } from '../util/lazy-schema.js';

/**
 * A moment given by a caller (a `Date`, or ISO 8601 text with a `Z` or an offset), stored as ISO
 * text in UTC like every time modelreg writes. Lets imported versions and alias moves keep when
 * they really happened.
 */
export const timestampSchema = lazySchema(() =>
  z.pipe(
    z.union([z.date(), z.iso.datetime({ offset: true })]).check(z.refine((value) => !Number.isNaN(new Date(value).getTime()), 'must be a valid date')),
    z.transform((value: Date | string) => new Date(value).toISOString()),
  ),
);

export type TimestampInput = string | Date;
