import { ConflictError, NotFoundError, PreconditionFailedError } from '../errors.js';
import { type AliasDocument, decodeAlias, moveAlias } from '../format/alias-document.js';
import { type KeyScheme, type ModelName, formatName } from '../format/keys.js';
import { formatRef } from '../format/refs.js';
import type { ObjectStore } from '../store/object-store.js';
import { encodeDocument } from './documents.js';
import { readDocument } from '../store/read-document.js';
import type { AliasInfo } from './types.js';

/** Attempts at the compare-and-swap before giving up on an alias that keeps changing. */
const MAX_ALIAS_ATTEMPTS = 100;

export type AliasMove = Parameters<typeof moveAlias>[2];

/**
 * The aliases of every model line: mutable pointers at versions, each one JSON document with its
 * history, moved only by compare-and-swap (`ifMatch` on the etag read, or create-only when absent),
 * so concurrent promotes and rollbacks never lose each other's moves.
 */
export class AliasBook {
  constructor(
    private readonly store: ObjectStore,
    private readonly keys: KeyScheme,
    private readonly historyLimit: number,
  ) {}

  async read(name: ModelName, alias: string, signal: AbortSignal | undefined): Promise<{ doc: AliasDocument; etag: string } | undefined> {
    const key = this.keys.aliasKey(name, alias);
    const document = await readDocument(this.store, key, signal);
    return document && { doc: decodeAlias(document.bytes, key), etag: document.etag };
  }

  async list(line: ModelName, signal: AbortSignal | undefined): Promise<AliasInfo[]> {
    const aliases: AliasInfo[] = [];
    for await (const entry of this.store.list(this.keys.aliasesPrefix(line), { signal })) {
      if (entry.type !== 'object') continue;
      const parsed = this.keys.parse(entry.key);
      if (parsed.kind !== 'alias') continue;
      const document = await this.read(line, parsed.alias, signal);
      if (document) aliases.push(aliasInfo(line, document.doc));
    }
    return aliases;
  }

  /** Applies a move on top of whatever the alias holds now; re-reads and retries when another writer moved it first. */
  async move(name: ModelName, alias: string, move: AliasMove, signal: AbortSignal | undefined): Promise<AliasInfo> {
    const key = this.keys.aliasKey(name, alias);
    for (let attempt = 0; attempt < MAX_ALIAS_ATTEMPTS; attempt++) {
      const current = await this.read(name, alias, signal);
      if (move.action === 'rollback' && !current?.doc.previous.length) {
        throw new ConflictError(`Alias "${alias}" of ${formatName(name)} has no earlier target to roll back to.`, { key });
      }
      const next = moveAlias(current?.doc, alias, move, this.historyLimit);
      try {
        await this.store.put(key, encodeDocument(next), {
          ...(current ? { ifMatch: current.etag } : { ifNoneMatch: '*' as const }),
          contentType: 'application/json',
          signal,
        });
        return aliasInfo(name, next);
      } catch (error) {
        if (!(error instanceof PreconditionFailedError)) throw error;
      }
    }
    throw new ConflictError(`Alias "${alias}" of ${formatName(name)} is changing too often to update; try again.`, { key });
  }

  async remove(line: ModelName, alias: string, signal: AbortSignal | undefined): Promise<void> {
    const key = this.keys.aliasKey(line, alias);
    if (!(await this.store.head(key, { signal }))) throw new NotFoundError(`Alias "${alias}" of ${formatName(line)} does not exist.`, { key });
    await this.store.delete([key], { signal });
  }
}

function aliasInfo(line: ModelName, document: AliasDocument): AliasInfo {
  const { alias, version, previous, history } = document;
  return { store: line.store, product: line.product, type: line.type, alias, version, ref: formatRef({ ...line, version }), previous, history };
}
