import { ConflictError, InvalidInputError } from '../errors.js';
import { encodeId } from '../format/ids.js';
import { type KeyScheme, formatName } from '../format/keys.js';
import { type RefInput, formatRef, parseRef } from '../format/refs.js';
import { dependentEdges } from '../maintenance/lineage.js';
import type { CatalogSource } from '../catalog/catalog-scan.js';
import type { UnreadableEntry } from '../catalog/manifest-source.js';
import type { ObjectStore } from '../store/object-store.js';
import type { AliasBook } from './alias-book.js';
import type { CallOptions, ResolvedVersion } from './types.js';
import type { VersionReader } from './version-reader.js';

export interface Deletion {
  store: ObjectStore;
  keys: KeyScheme;
  reader: VersionReader;
  aliases: AliasBook;
  scan: CatalogSource;
}

export interface DeleteVersionOptions extends CallOptions {
  /** Delete even while aliases point at the version or other versions depend on it. @default false */
  force?: boolean;
}

export interface DeletedVersion extends ResolvedVersion {
  /** Aliases left pointing at the deleted version (only with `force`). */
  danglingAliases: string[];
  /** Versions that depended on it and can no longer be fully loaded (only with `force`). */
  brokenDependents: string[];
}

export interface PurgeOptions extends CallOptions {
  /** Report what would be deleted without deleting. @default true */
  dryRun?: boolean;
}

export interface PurgeReport {
  dryRun: boolean;
  /** The scope, as `store`, `store/product` or `store/product/type`. */
  scope: string;
  /** Deleted (or, in a dry run, deletable) versions. */
  versions: string[];
  /** Deleted aliases, as `store/product/type@alias`. */
  aliases: string[];
}

const DELETE_BATCH = 1000;
const ignoreUnreadable = (_entry: UnreadableEntry) => {};

/**
 * Deletes one version's manifest (its blobs stay until garbage collection). Refused while an alias
 * points at it or another version depends on it, naming them, unless `force`; forced deletion
 * reports the aliases left dangling and the dependents it broke.
 */
export async function deleteVersion(deletion: Deletion, ref: RefInput, options: DeleteVersionOptions): Promise<DeletedVersion> {
  const parsed = parseRef(ref);
  if (parsed.selector.kind !== 'version') {
    throw new InvalidInputError(`deleteVersion needs an explicit version such as ${formatName(parsed)}@3, not "${formatRef(parsed)}".`);
  }
  const target = await deletion.reader.resolve(parsed, options);
  const key = deletion.keys.manifestKey(target, target.version);
  const danglingAliases = (await deletion.aliases.list(target, options.signal)).filter((alias) => alias.version === target.version).map((alias) => alias.alias);
  const brokenDependents = ((await dependentEdges(deletion.scan, options.signal, ignoreUnreadable)).get(target.ref) ?? []).map((edge) => edge.ref).sort();
  if (!options.force && (danglingAliases.length > 0 || brokenDependents.length > 0)) {
    const reasons = [
      ...(danglingAliases.length > 0 ? [`is the target of alias ${danglingAliases.map((alias) => `"${alias}"`).join(', ')}`] : []),
      ...(brokenDependents.length > 0 ? [`is a dependency of ${brokenDependents.join(', ')}`] : []),
    ];
    const fixes = [...(danglingAliases.length > 0 ? ['move or delete the alias'] : []), ...(brokenDependents.length > 0 ? ['delete those versions'] : [])];
    throw new ConflictError(`${target.ref} ${reasons.join(' and ')}; ${fixes.join(' and ')} first, or pass force.`, { key });
  }
  await deletion.store.delete([key], options);
  return { ...target, danglingAliases, brokenDependents };
}

/**
 * Deletes every version and alias of a store, a product or a model line (blobs go at the next gc).
 * A dry run unless `dryRun: false`. Refused while versions outside the scope depend on versions in it.
 */
export async function purge(deletion: Deletion, scopeInput: string | PurgeScope, options: PurgeOptions): Promise<PurgeReport> {
  const scope = parseScope(scopeInput);
  const dryRun = options.dryRun ?? true;
  const { signal } = options;
  const lines = await deletion.reader.lines(scope, { signal });
  const versionKeys: string[] = [];
  const versions: string[] = [];
  const aliasKeys: string[] = [];
  const aliases: string[] = [];
  for (const line of lines) {
    for (const version of await deletion.reader.versions(line, { signal })) {
      versionKeys.push(deletion.keys.manifestKey(line, version));
      versions.push(formatRef({ ...line, version }));
    }
    for (const alias of await deletion.aliases.list(line, signal)) {
      aliasKeys.push(deletion.keys.aliasKey(line, alias.alias));
      aliases.push(`${formatName(line)}@${alias.alias}`);
    }
  }
  const inScope = new Set(versions);
  const outside: string[] = [];
  for (const [ref, dependents] of await dependentEdges(deletion.scan, signal, ignoreUnreadable)) {
    if (!inScope.has(ref)) continue;
    for (const dependent of dependents) if (!inScope.has(dependent.ref)) outside.push(`${dependent.ref} (on ${ref})`);
  }
  const label = scopeLabel(scope);
  if (outside.length > 0) {
    throw new ConflictError(`Cannot purge ${label}: versions outside it depend on versions in it: ${outside.sort().join(', ')}. Delete or purge those first.`);
  }
  if (!dryRun) {
    const doomed = [...versionKeys, ...aliasKeys];
    for (let i = 0; i < doomed.length; i += DELETE_BATCH) await deletion.store.delete(doomed.slice(i, i + DELETE_BATCH), { signal });
  }
  return { dryRun, scope: label, versions, aliases };
}

/** A store, a product of a store, or a model line. */
export type PurgeScope = { store: string; product?: string | undefined; type?: string | undefined };

const SCOPE_FORMAT = 'expected "store", "store/product" or "store/product/type"';

/** Checks a scope given as text or parts; `command` names the caller in the error. */
export function parseScope(input: string | PurgeScope, command = 'purge'): PurgeScope {
  const parts = typeof input === 'string' ? input.split('/') : [input.store, input.product, input.type].filter((part) => part !== undefined);
  if (typeof input !== 'string' && input.type !== undefined && input.product === undefined) {
    throw new InvalidInputError(`Invalid ${command} scope ${JSON.stringify(input)}: a type needs its product; ${SCOPE_FORMAT}.`);
  }
  if (parts.length < 1 || parts.length > 3 || parts.some((part) => part === '') || (typeof input === 'string' && input.includes('@'))) {
    throw new InvalidInputError(`Invalid ${command} scope ${JSON.stringify(input)}: ${SCOPE_FORMAT}.`);
  }
  const [store, product, type] = parts as [string, string?, string?];
  (['store', 'product', 'type'] as const).forEach((kind, index) => parts[index] !== undefined && encodeId(parts[index]!, kind));
  return { store, product, type };
}

export function scopeLabel(scope: PurgeScope): string {
  return [scope.store, scope.product, scope.type].filter((part) => part !== undefined).join('/');
}
