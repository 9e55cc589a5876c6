import { type Digest, assertDigest, digestHex } from './digest.js';
import { InvalidInputError } from '../errors.js';
import { assertVersion, decodeId, encodeAlias, encodeId, parseVersionSegment } from './ids.js';

/** A model line: every version pushed for one store, product and model type. */
export interface ModelName {
  store: string;
  product: string;
  type: string;
}

/** Which model lines: the parts given must match, the others are free. */
export type LineFilter = Partial<ModelName>;

export type ParsedKey =
  | { kind: 'manifest'; name: ModelName; version: number }
  | { kind: 'alias'; name: ModelName; alias: string }
  | { kind: 'blob'; digest: Digest };

const PREFIX_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Checks a registry prefix such as `team-a/prod`; returns it without surrounding slashes. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  for (const segment of trimmed.split('/')) {
    if (!PREFIX_SEGMENT.test(segment) || segment === '.' || segment === '..') {
      throw new InvalidInputError(
        `Invalid prefix ${JSON.stringify(prefix)}: each "/"-separated segment must be [A-Za-z0-9._-]+ and not "." or "..".`,
      );
    }
  }
  return trimmed;
}

/**
 * The one key layout every backend shares:
 * `<prefix>/models/<store>/<product>/<type>/<version>/manifest.json`,
 * `<prefix>/models/<store>/<product>/<type>/aliases/<alias>.json`,
 * `<prefix>/blobs/sha256/<first 2 hex>/<64 hex>`, and the gc protocol's
 * `<prefix>/gc/leases/<id>.json`, `<prefix>/gc/commits/<id>.json` and `<prefix>/gc/runs/<id>.json`.
 */
export class KeyScheme {
  private readonly root: string;

  constructor(prefix = '') {
    const normalized = normalizePrefix(prefix);
    this.root = normalized === '' ? '' : `${normalized}/`;
  }

  get prefix(): string {
    return this.root.replace(/\/$/, '');
  }

  /** The key prefix of everything in this registry (`''` or `team-a/`). */
  rootPrefix(): string {
    return this.root;
  }

  modelsPrefix(): string {
    return `${this.root}models/`;
  }

  storePrefix(store: string): string {
    return `${this.modelsPrefix()}${encodeId(store, 'store')}/`;
  }

  productPrefix(store: string, product: string): string {
    return `${this.storePrefix(store)}${encodeId(product, 'product')}/`;
  }

  /** Everything of one model line: its version folders and its `aliases/` folder. */
  namePrefix(name: ModelName): string {
    return `${this.productPrefix(name.store, name.product)}${encodeId(name.type, 'type')}/`;
  }

  manifestKey(name: ModelName, version: number): string {
    return `${this.namePrefix(name)}${assertVersion(version)}/manifest.json`;
  }

  aliasesPrefix(name: ModelName): string {
    return `${this.namePrefix(name)}aliases/`;
  }

  aliasKey(name: ModelName, alias: string): string {
    return `${this.aliasesPrefix(name)}${encodeAlias(alias)}.json`;
  }

  blobsPrefix(): string {
    return `${this.root}blobs/sha256/`;
  }

  blobKey(digest: Digest): string {
    const hex = digestHex(assertDigest(digest));
    return `${this.blobsPrefix()}${hex.slice(0, 2)}/${hex}`;
  }

  /** Leases of pushes in progress: the digests each will reference (see docs/gc.md). */
  pushLeasesPrefix(): string {
    return `${this.root}gc/leases/`;
  }

  pushLeaseKey(id: string): string {
    return `${this.pushLeasesPrefix()}${id}.json`;
  }

  /** Records of writes that finished, naming the lines they committed into (see docs/gc.md). */
  commitRecordsPrefix(): string {
    return `${this.root}gc/commits/`;
  }

  commitRecordKey(id: string): string {
    return `${this.commitRecordsPrefix()}${id}.json`;
  }

  /** Markers of garbage collections deleting now. */
  gcRunsPrefix(): string {
    return `${this.root}gc/runs/`;
  }

  /** Turns any key of this scheme back into its parts; throws `InvalidInputError` for any other key. */
  parse(key: string): ParsedKey {
    const notOurs = (why: string) =>
      new InvalidInputError(`Key ${JSON.stringify(key)} is not a modelreg key under prefix "${this.prefix}": ${why}.`, { key });
    if (!key.startsWith(this.root)) throw notOurs('it is outside the prefix');
    const parts = key.slice(this.root.length).split('/');

    if (parts[0] === 'blobs') {
      const [, algorithm, fanout, hex] = parts;
      if (parts.length !== 4 || algorithm !== 'sha256' || hex === undefined || fanout !== hex.slice(0, 2)) {
        throw notOurs('a blob key is blobs/sha256/<2 hex>/<64 hex>');
      }
      return { kind: 'blob', digest: assertDigest(`sha256:${hex}`) };
    }
    if (parts[0] === 'models' && parts.length === 6) {
      const [, store, product, type, folder, file] = parts as [string, string, string, string, string, string];
      const name = { store: decodeId(store, 'store'), product: decodeId(product, 'product'), type: decodeId(type, 'type') };
      const version = parseVersionSegment(folder);
      if (version !== undefined && file === 'manifest.json') return { kind: 'manifest', name, version };
      if (folder === 'aliases' && file.endsWith('.json')) {
        const alias = decodeId(file.slice(0, -'.json'.length), 'alias');
        encodeAlias(alias);
        return { kind: 'alias', name, alias };
      }
    }
    throw notOurs('expected models/<store>/<product>/<type>/<version>/manifest.json, .../aliases/<alias>.json or blobs/sha256/...');
  }
}

export function formatName(name: ModelName): string {
  return `${name.store}/${name.product}/${name.type}`;
}
