import { lazySchema, parseOptions, z } from '@modelreg/core/backend';

const optionsSchema = lazySchema(() =>
  z.strictObject({
    /** The folder that holds the objects; created on first write. */
    root: z.string().check(z.minLength(1, 'must name a folder, e.g. "./.modelreg"')),
    /**
     * fsync each object and its folder before a write returns, so a power loss never leaves a torn
     * or lost object. Turn off only for throwaway stores. @default true
     */
    durable: z._default(z.boolean(), true),
  }),
);

export type LocalStoreOptions = z.input<typeof optionsSchema>;
export type ParsedLocalStoreOptions = z.output<typeof optionsSchema>;

/** Validates options up front; the error names each offending field. */
export function parseLocalStoreOptions(options: LocalStoreOptions): ParsedLocalStoreOptions {
  return parseOptions(optionsSchema, options, 'LocalStore options');
}
