import { ConflictError, InvalidInputError } from '../errors.js';
import { type KeyScheme, formatName } from '../format/keys.js';
import { type RefInput, formatRef, parseRef } from '../format/refs.js';
import type { ObjectStore } from '../store/object-store.js';
import type { AliasBook } from './alias-book.js';
import type { CallOptions, ResolvedVersion } from './types.js';
import type { VersionReader } from './version-reader.js';

export interface VersionDeletion {
  store: ObjectStore;
  keys: KeyScheme;
  reader: VersionReader;
  aliases: AliasBook;
}

/**
 * Deletes one version's manifest (its blobs stay until garbage collection). Refused while an alias
 * points at it, unless `force`; forced deletion leaves those aliases dangling, and resolving them fails clearly.
 */
export async function deleteVersion(deletion: VersionDeletion, ref: RefInput, options: CallOptions & { force?: boolean }): Promise<ResolvedVersion> {
  const parsed = parseRef(ref);
  if (parsed.selector.kind !== 'version') {
    throw new InvalidInputError(`deleteVersion needs an explicit version such as ${formatName(parsed)}@3, not "${formatRef(parsed)}".`);
  }
  const target = await deletion.reader.resolve(parsed, options);
  const key = deletion.keys.manifestKey(target, target.version);
  const pointing = (await deletion.aliases.list(target, options.signal)).filter((alias) => alias.version === target.version).map((alias) => alias.alias);
  if (pointing.length > 0 && !options.force) {
    throw new ConflictError(`${target.ref} is the target of alias ${pointing.map((alias) => `"${alias}"`).join(', ')}; move or delete the alias first, or pass force.`, { key });
  }
  await deletion.store.delete([key], options);
  return target;
}
