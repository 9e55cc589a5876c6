import { InvalidInputError } from '../errors.js';
import { assertVersion, encodeAlias, encodeId, parseVersionText } from './ids.js';
import { type ModelName, formatName } from './keys.js';

/** Which version of a model line a reference means. */
export type VersionSelector =
  | { kind: 'latest' }
  | { kind: 'version'; version: number }
  | { kind: 'alias'; alias: string };

export interface ModelRef extends ModelName {
  selector: VersionSelector;
}

/**
 * A model reference: `store/product/type` (latest), `store/product/type@7` (or `@v7`),
 * `store/product/type@latest`, `store/product/type@production` (an alias), or the same as an object.
 * Ids containing `/` or `@` can only be given in the object form.
 */
export type RefInput = string | ModelRef | (ModelName & { version?: number | string | undefined });

const REF_FORMAT = 'expected "store/product/type", optionally followed by "@latest", "@<version>", "@v<version>" or "@<alias>"';

export function parseSelector(selector: string | number | undefined): VersionSelector {
  if (selector === undefined || selector === 'latest') return { kind: 'latest' };
  if (typeof selector === 'number') return { kind: 'version', version: assertVersion(selector) };
  const numeric = parseVersionText(selector);
  if (numeric !== undefined) return { kind: 'version', version: numeric };
  encodeAlias(selector);
  return { kind: 'alias', alias: selector };
}

export function parseRef(input: RefInput): ModelRef {
  if (typeof input !== 'string') {
    const name = { store: input.store, product: input.product, type: input.type };
    validateName(name);
    if ('selector' in input) return { ...name, selector: parseSelector(input.selector.kind === 'latest' ? undefined : formatSelector(input.selector)) };
    return { ...name, selector: parseSelector(input.version) };
  }
  const at = input.lastIndexOf('@');
  const path = at === -1 ? input : input.slice(0, at);
  const selector = at === -1 ? undefined : input.slice(at + 1);
  const parts = path.split('/');
  if (parts.length !== 3 || parts.some((part) => part === '') || selector === '') {
    throw new InvalidInputError(`Invalid model reference ${JSON.stringify(input)}: ${REF_FORMAT}.`);
  }
  const [store, product, type] = parts as [string, string, string];
  const name = { store, product, type };
  validateName(name);
  return { ...name, selector: parseSelector(selector) };
}

/** Parses a reference that must name a model line only, without `@...`. */
export function parseName(input: string | ModelName): ModelName {
  if (typeof input === 'string' && input.includes('@')) {
    throw new InvalidInputError(`Expected a model line "store/product/type" without a version, got ${JSON.stringify(input)}.`);
  }
  const { store, product, type } = parseRef(input);
  return { store, product, type };
}

export function validateName(name: ModelName): void {
  encodeId(name.store, 'store');
  encodeId(name.product, 'product');
  encodeId(name.type, 'type');
}

export function formatSelector(selector: VersionSelector): string {
  switch (selector.kind) {
    case 'latest':
      return 'latest';
    case 'version':
      return String(selector.version);
    case 'alias':
      return selector.alias;
  }
}

export function formatRef(ref: ModelName & { selector?: VersionSelector; version?: number }): string {
  if (ref.version !== undefined) return `${formatName(ref)}@${ref.version}`;
  return `${formatName(ref)}@${formatSelector(ref.selector ?? { kind: 'latest' })}`;
}

/** Parses a `store/product/type@<version>` reference, as recorded in manifests. */
export function parsePinnedRef(ref: string): ModelName & { version: number } {
  const parsed = parseRef(ref);
  if (parsed.selector.kind !== 'version') throw new InvalidInputError(`Expected a pinned reference "store/product/type@<version>", got ${JSON.stringify(ref)}.`);
  return { store: parsed.store, product: parsed.product, type: parsed.type, version: parsed.selector.version };
}
