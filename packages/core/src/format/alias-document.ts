import * as z from 'zod/mini';
import { InvalidManifestError } from '../errors.js';
import { describeIssues } from '../util/parse-options.js';
import { lazySchema } from '../util/lazy-schema.js';

/**
 * One move. Loose: a field this release does not know (added by a later one) is kept, and kept when
 * the document is written again, so adding a field to moves never breaks an older reader. `by` was
 * the first such field; releases before it refuse documents holding it (upgrade loaders first).
 */
export const aliasEventSchema = lazySchema(() =>
  z.looseObject({
    version: z.int().check(z.positive()),
    at: z.iso.datetime(),
    action: z.enum(['set', 'rollback']),
    /** Free text from the caller, e.g. a ticket or a pipeline run. */
    reason: z.optional(z.string()),
    /** Who moved it (a person or a pipeline); absent in documents written before it was recorded. */
    by: z.optional(z.string()),
  }),
);

/** What an alias key holds: the current target, the targets it can roll back to, and its history. */
export const aliasDocumentSchema = lazySchema(() =>
  z.strictObject({
    schemaVersion: z.literal(1),
    alias: z.string().check(z.minLength(1)),
    version: z.int().check(z.positive()),
    /** Earlier targets, most recent last: `rollback` pops from here. */
    previous: z.array(z.int().check(z.positive())),
    /** Every move, oldest first, capped at the registry's `aliasHistoryLimit`. */
    history: z.array(aliasEventSchema),
  }),
);

export type AliasDocument = z.infer<typeof aliasDocumentSchema>;
export type AliasEvent = z.infer<typeof aliasEventSchema>;

export function decodeAlias(bytes: Buffer, key: string): AliasDocument {
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new InvalidManifestError(`Alias ${key} is not valid JSON; set the alias again to repair it.`, { key, cause: error });
  }
  const result = aliasDocumentSchema.safeParse(data);
  if (!result.success) throw new InvalidManifestError(`Alias ${key} is invalid: ${describeIssues(result.error)}. Set the alias again to repair it.`, { key });
  return result.data;
}

/** The document after moving the alias to `version` (a `set`) or back to its previous target (a `rollback`). */
export function moveAlias(
  current: AliasDocument | undefined,
  alias: string,
  move: ({ action: 'set'; version: number } | { action: 'rollback' }) & {
    reason?: string | undefined;
    by?: string | undefined;
    /** ISO time of the move. @default now */
    at?: string | undefined;
  },
  limit: number,
): AliasDocument {
  const previous = current ? [...current.previous] : [];
  let version: number;
  if (move.action === 'set') {
    if (current && current.version !== move.version) previous.push(current.version);
    version = move.version;
  } else {
    const target = previous.pop();
    if (target === undefined) throw new Error('rollback without a previous target');
    version = target;
  }
  const event: AliasEvent = { version, at: move.at ?? new Date().toISOString(), action: move.action, ...(move.reason ? { reason: move.reason } : {}), ...(move.by ? { by: move.by } : {}) };
  return {
    schemaVersion: 1,
    alias,
    version,
    previous: previous.slice(-limit),
    history: [...(current?.history ?? []), event].slice(-limit),
  };
}
