import { formatName } from '../format/keys.js';
import type { AliasEvent } from '../format/alias-document.js';
import type { AliasInfo } from '../registry/types.js';

/** An alias as `modelreg alias ls --json` and the web view show it: core's AliasInfo with the line's name first. */
export type AliasView = AliasInfo & { name: string };

export function aliasView(info: AliasInfo): AliasView {
  const { store, product, type, alias, version, ref, previous, history } = info;
  return { name: formatName(info), store, product, type, alias, version, ref, previous, history };
}

/** One move of one alias, as `modelreg alias history --json` prints it and the web view's timeline draws it. */
export type AliasMoveView = AliasEvent & { alias: string };

/** Every move of the given aliases, oldest first (moves at the same instant keep their alias's order). */
export function aliasMoves(aliases: readonly AliasInfo[]): AliasMoveView[] {
  return aliases.flatMap((info) => info.history.map((event) => ({ alias: info.alias, ...event }))).sort((a, b) => a.at.localeCompare(b.at));
}
