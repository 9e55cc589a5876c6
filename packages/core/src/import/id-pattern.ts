import { InvalidInputError } from '../errors.js';
import type { PartialLine } from './legacy-metadata.js';

const PLACEHOLDER = /\{(store|product|type|\*)\}/g;

/**
 * Reads store, product and model type out of a legacy folder name with a pattern such as
 * `{store}_{product}_{type}`: `{*}` matches a part to ignore, everything else must match literally.
 * Earlier placeholders take as little as they can, so the last one keeps the rest
 * (`1234_5678_xgboost_standard` gives type `xgboost_standard`).
 */
export class IdPattern {
  readonly #regex: RegExp;
  readonly #fields: Array<keyof PartialLine | '*'> = [];

  constructor(readonly pattern: string) {
    let source = '';
    let last = 0;
    for (const match of pattern.matchAll(PLACEHOLDER)) {
      source += escapeRegex(pattern.slice(last, match.index)) + '(.+?)';
      this.#fields.push(match[1] as keyof PartialLine | '*');
      last = match.index + match[0].length;
    }
    source += escapeRegex(pattern.slice(last));
    const named = this.#fields.filter((field) => field !== '*');
    if (named.length === 0 || new Set(named).size !== named.length) {
      throw new InvalidInputError(
        `Invalid id pattern ${JSON.stringify(pattern)}: it must name each of {store}, {product}, {type} at most once and at least one of them, e.g. "{store}_{product}_{type}".`,
      );
    }
    this.#regex = new RegExp(`^${source}$`);
  }

  /** The ids a folder name gives, or undefined when it does not match. */
  match(folderName: string): PartialLine | undefined {
    const match = this.#regex.exec(folderName);
    if (!match) return undefined;
    const ids: PartialLine = {};
    this.#fields.forEach((field, index) => {
      if (field !== '*') ids[field] = match[index + 1];
    });
    return ids;
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
