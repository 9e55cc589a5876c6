import { InvalidInputError, InvalidManifestError, NotFoundError } from '../errors.js';
import { type IdKind, decodeId, parseVersionSegment } from '../format/ids.js';
import { type KeyScheme, type LineFilter, type ModelName, formatName } from '../format/keys.js';
import { type Manifest, decodeManifest } from '../format/manifest.js';
import { type RefInput, formatRef, parseName, parseRef } from '../format/refs.js';
import type { ObjectStore } from '../store/object-store.js';
import { mapBounded } from '../util/concurrency.js';
import type { AliasBook } from './alias-book.js';
import { readDocument } from '../store/read-document.js';
import type { CallOptions, ListFilter, ResolvedVersion, ScanCallOptions } from './types.js';

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

  /** Every version number of a model line, ascending; other entries in the line are reported to `onUnreadable`. */
  async versions(name: string | ModelName, { signal, onUnreadable }: ScanCallOptions = {}): Promise<number[]> {
    const line = parseName(name);
    const versions: number[] = [];
    for await (const entry of this.store.list(this.keys.namePrefix(line), { delimiter: '/', signal })) {
      if (entry.type !== 'prefix') {
        onUnreadable?.({ key: entry.key, problem: 'a file where only version folders belong' });
        continue;
      }
      const folder = entry.prefix.slice(0, -1).split('/').pop()!;
      const version = parseVersionSegment(folder);
      if (version !== undefined) versions.push(version);
      else if (folder !== 'aliases') onUnreadable?.({ key: entry.prefix, problem: 'not a version folder (versions are numbers)' });
    }
    return versions.sort((a, b) => a - b);
  }

  async latestVersion(name: ModelName, signal: AbortSignal | undefined): Promise<number | undefined> {
    return (await this.versions(name, { signal })).at(-1);
  }

  async stores(options: ScanCallOptions = {}): Promise<string[]> {
    return this.childIds(this.keys.modelsPrefix(), 'store', options);
  }

  async products(store: string, options: ScanCallOptions = {}): Promise<string[]> {
    return this.childIds(this.keys.storePrefix(store), 'product', options);
  }

  async types(store: string, product: string, options: ScanCallOptions = {}): Promise<string[]> {
    return this.childIds(this.keys.productPrefix(store, product), 'type', options);
  }

  /** Model lines matching the store/product/type parts of a filter. */
  async lines(filter: LineFilter = {}, options: ScanCallOptions = {}): Promise<ModelName[]> {
    const lines: ModelName[] = [];
    const stores = filter.store !== undefined ? [filter.store] : await this.stores(options);
    for (const store of stores) {
      const products = filter.product !== undefined ? [filter.product] : await this.products(store, options);
      for (const product of products) {
        const types = await this.types(store, product, options);
        for (const type of types) if (filter.type === undefined || filter.type === type) lines.push({ store, product, type });
      }
    }
    return lines;
  }

  /**
   * Manifests of every version matching the filter, by model line then version. A version deleted
   * while the listing runs is left out; one whose manifest is not valid v2 is reported and left out.
   */
  async list(filter: ListFilter = {}, { signal, onUnreadable }: ScanCallOptions = {}): Promise<Manifest[]> {
    const lines = await this.lines(filter, { signal, onUnreadable });
    const perLine = await mapBounded(lines, this.concurrency, signal, async (line, lineSignal) => {
      const versions = await this.versions(line, { signal: lineSignal, onUnreadable });
      const wanted = filter.latestOnly ? versions.slice(-1) : versions;
      return mapBounded(wanted, this.concurrency, lineSignal, async (version, versionSignal) => {
        try {
          return await this.readManifest(line, version, { signal: versionSignal });
        } catch (error) {
          if (error instanceof InvalidManifestError) onUnreadable?.({ key: this.keys.manifestKey(line, version), problem: error.message });
          else if (!(error instanceof NotFoundError)) throw error;
          return undefined;
        }
      });
    });
    return perLine.flat().filter((manifest) => manifest !== undefined && matchesFilter(manifest, filter)) as Manifest[];
  }

  private async existingVersionsHint(name: ModelName, signal: AbortSignal | undefined): Promise<string> {
    const versions = await this.versions(name, { signal });
    return versions.length === 0 ? `; ${formatName(name)} has no versions` : `; existing versions: ${versions.slice(-10).join(', ')}`;
  }

  /** The ids of the folders under `prefix`; a folder whose name is no encoded id (a stray or legacy folder) is reported and skipped. */
  private async childIds(prefix: string, kind: IdKind, { signal, onUnreadable }: ScanCallOptions): Promise<string[]> {
    const ids: string[] = [];
    for await (const entry of this.store.list(prefix, { delimiter: '/', signal })) {
      if (entry.type !== 'prefix') {
        onUnreadable?.({ key: entry.key, problem: `a file where only ${kind} folders belong` });
        continue;
      }
      try {
        ids.push(decodeId(entry.prefix.slice(prefix.length, -1), kind));
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        onUnreadable?.({ key: entry.prefix, problem: error.message });
      }
    }
    return ids;
  }
}

/** Whether a version's tags and metrics (from its manifest or its catalog summary) pass a filter. */
export function matchesFilter(manifest: Pick<Manifest, 'tags' | 'metrics'>, filter: ListFilter): boolean {
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
