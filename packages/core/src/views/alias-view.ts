import { formatName } from '../format/keys.js';
import type { AliasInfo } from '../registry/types.js';

/** An alias as `modelreg alias ls --json` and the web view show it: core's AliasInfo with the line's name first. */
export type AliasView = AliasInfo & { name: string };

export function aliasView(info: AliasInfo): AliasView {
  const { store, product, type, alias, version, ref, previous, history } = info;
  return { name: formatName(info), store, product, type, alias, version, ref, previous, history };
}
