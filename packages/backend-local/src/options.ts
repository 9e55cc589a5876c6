import { parseOptions } from '@modelreg/core/backend';
import { z } from 'zod';

const optionsSchema = z.strictObject({
  /** The folder that holds the objects; created on first write. */
  root: z.string().min(1, 'must name a folder, e.g. "./.modelreg"'),
  /**
   * fsync each object and its folder before a write returns, so a power loss never leaves a torn
   * or lost object. Turn off only for throwaway stores. @default true
   */
  durable: z.boolean().default(true),
});

export type LocalStoreOptions = z.input<typeof optionsSchema>;
export type ParsedLocalStoreOptions = z.output<typeof optionsSchema>;

/** Validates options up front; the error names each offending field. */
export function parseLocalStoreOptions(options: LocalStoreOptions): ParsedLocalStoreOptions {
  return parseOptions(optionsSchema, options, 'LocalStore options');
}
