import { NotFoundError } from '../errors.js';
import { type IdKind, decodeId, parseVersionSegment } from '../format/ids.js';
import { type KeyScheme, type LineFilter, type ModelName, formatName } from '../format/keys.js';
import { type Manifest, decodeManifest } from '../format/manifest.js';
import { type RefInput, formatRef, parseName, parseRef } from '../format/refs.js';
import type { ObjectStore } from '../store/object-store.js';
import { mapBounded } from '../util/concurrency.js';
import type { AliasBook } from './alias-book.js';
import { readDocument } from './documents.js';
import type { CallOptions, ListFilter, ResolvedVersion } from './types.js';

export function resolvedVersion(name: ModelName, version: number): ResolvedVersion {
  return { store: name.store, product: name.product, type: name.type, version, ref: formatRef({ ...name, version }) };
}

/**
 * Reads what exists: model lines, their versions and manifests, and resolves references
 * (`@latest`, `@7`, `@production`) to versions that exist. Lists and reads only, never writes.
 */
export class VersionReader {
  constructor(
    private readonly store: ObjectStore,
    private readonly keys: KeyScheme,
    private readonly aliases: AliasBook,
    private readonly concurrency: number,
  ) {}

  /** Turns `@latest`, `@7`/`@v7` or `@<alias>` into a version number that exists. */
  async resolve(ref: RefInput, { signal }: CallOptions = {}): Promise<ResolvedVersion> {
    const parsed = parseRef(ref);
    const name = { store: parsed.store, product: parsed.product, type: parsed.type };
    switch (parsed.selector.kind) {
      case 'latest': {
        const latest = await this.latestVersion(name, signal);
        if (latest === undefined) throw new NotFoundError(`${formatName(name)} has no versions; push one first.`, { key: formatName(name) });
        return resolvedVersion(name, latest);
      }
      case 'version': {
        const key = this.keys.manifestKey(name, parsed.selector.version);
        if (!(await this.store.head(key, { signal }))) {
          throw new NotFoundError(`${formatRef(parsed)} does not exist${await this.existingVersionsHint(name, signal)}.`, { key });
        }
        return resolvedVersion(name, parsed.selector.version);
      }
      case 'alias': {
        const document = await this.aliases.read(name, parsed.selector.alias, signal);
        if (!document) {
          throw new NotFoundError(`Alias "${parsed.selector.alias}" of ${formatName(name)} does not exist; set it with promote() or setAlias().`, {
            key: this.keys.aliasKey(name, parsed.selector.alias),
          });
        }
        return resolvedVersion(name, document.doc.version);
      }
    }
  }

  /** Reads and validates the manifest of a version known by number (no resolution step). */
  async readManifest(name: ModelName, version: number, { signal }: CallOptions = {}): Promise<Manifest> {
    const key = this.keys.manifestKey(name, version);
    const document = await readDocument(this.store, key, signal);
    if (!document) throw new NotFoundError(`${formatRef({ ...name, version })} does not exist.`, { key });
    return decodeManifest(document.bytes, key, { ...name, version });
  }

  /** Every version number of a model line, ascending. */
  async versions(name: string | ModelName, { signal }: CallOptions = {}): Promise<number[]> {
    const line = parseName(name);
    const versions: number[] = [];
    for await (const entry of this.store.list(this.keys.namePrefix(line), { delimiter: '/', signal })) {
      if (entry.type !== 'prefix') continue;
      const version = parseVersionSegment(entry.prefix.slice(0, -1).split('/').pop()!);
      if (version !== undefined) versions.push(version);
    }
    return versions.sort((a, b) => a - b);
  }

  async latestVersion(name: ModelName, signal: AbortSignal | undefined): Promise<number | undefined> {
    return (await this.versions(name, { signal })).at(-1);
  }

  async stores({ signal }: CallOptions = {}): Promise<string[]> {
    return this.childIds(this.keys.modelsPrefix(), 'store', signal);
  }

  async products(store: string, { signal }: CallOptions = {}): Promise<string[]> {
    return this.childIds(this.keys.storePrefix(store), 'product', signal);
  }

  async types(store: string, product: string, { signal }: CallOptions = {}): Promise<string[]> {
    return this.childIds(this.keys.productPrefix(store, product), 'type', signal);
  }

  /** Model lines matching the store/product/type parts of a filter. */
  async lines(filter: LineFilter = {}, { signal }: CallOptions = {}): Promise<ModelName[]> {
    const lines: ModelName[] = [];
    const stores = filter.store !== undefined ? [filter.store] : await this.stores({ signal });
    for (const store of stores) {
      const products = filter.product !== undefined ? [filter.product] : await this.products(store, { signal });
      for (const product of products) {
        const types = await this.types(store, product, { signal });
        for (const type of types) if (filter.type === undefined || filter.type === type) lines.push({ store, product, type });
      }
    }
    return lines;
  }

  /** Manifests of every version matching the filter, by model line then version. */
  async list(filter: ListFilter = {}, { signal }: CallOptions = {}): Promise<Manifest[]> {
    const lines = await this.lines(filter, { signal });
    const perLine = await mapBounded(lines, this.concurrency, signal, async (line, lineSignal) => {
      const versions = await this.versions(line, { signal: lineSignal });
      const wanted = filter.latestOnly ? versions.slice(-1) : versions;
      return mapBounded(wanted, this.concurrency, lineSignal, (version, versionSignal) => this.readManifest(line, version, { signal: versionSignal }));
    });
    return perLine.flat().filter((manifest) => matchesFilter(manifest, filter));
  }

  private async existingVersionsHint(name: ModelName, signal: AbortSignal | undefined): Promise<string> {
    const versions = await this.versions(name, { signal });
    return versions.length === 0 ? `; ${formatName(name)} has no versions` : `; existing versions: ${versions.slice(-10).join(', ')}`;
  }

  private async childIds(prefix: string, kind: IdKind, signal: AbortSignal | undefined): Promise<string[]> {
    const ids: string[] = [];
    for await (const entry of this.store.list(prefix, { delimiter: '/', signal })) {
      if (entry.type === 'prefix') ids.push(decodeId(entry.prefix.slice(prefix.length, -1), kind));
    }
    return ids;
  }
}

function matchesFilter(manifest: Manifest, filter: ListFilter): boolean {
  const tagsMatch = Object.entries(filter.tags ?? {}).every(([tag, value]) => manifest.tags[tag] === value);
  const metricsMatch = Object.entries(filter.metrics ?? {}).every(([metric, range]) => {
    const value = manifest.metrics[metric];
    return (
      value !== undefined &&
      (range.gt === undefined || value > range.gt) &&
      (range.gte === undefined || value >= range.gte) &&
      (range.lt === undefined || value < range.lt) &&
      (range.lte === undefined || value <= range.lte)
    );
  });
  return tagsMatch && metricsMatch;
}
