import { type LineFilter, type ModelName, formatName } from '../format/keys.js';
import { type CatalogSource, CatalogScan } from '../catalog/catalog-scan.js';
import { compareKeys } from '../store/key-order.js';
import { scopePrefix } from './filtered-list.js';
import type { ScanCallOptions } from './types.js';

export interface LineOverview extends ModelName {
  /** How many versions the line has. */
  versions: number;
  /** Its newest version; undefined when it has aliases but no versions left. */
  latest: number | undefined;
  /** Names of its aliases (their targets need a read each: `aliases(line)`). */
  aliases: string[];
}

/**
 * Every model line in scope with its version count, newest version and alias names: one catalog
 * scan instead of a listing per store, product and line. Lines come in key order, as `lines()` lists them.
 */
export async function lineOverview(source: CatalogSource, filter: LineFilter, options: ScanCallOptions): Promise<LineOverview[]> {
  const lines = new Map<string, LineOverview>();
  const lineOf = (name: ModelName) => {
    const id = formatName(name);
    let line = lines.get(id);
    if (!line) lines.set(id, (line = { store: name.store, product: name.product, type: name.type, versions: 0, latest: undefined, aliases: [] }));
    return line;
  };
  const inScope = (name: ModelName) => (['store', 'product', 'type'] as const).every((part) => filter[part] === undefined || name[part] === filter[part]);
  const onAlias = (name: ModelName, alias: string) => {
    if (inScope(name)) lineOf(name).aliases.push(alias);
  };
  const scan = new CatalogScan(source, { prefix: scopePrefix(source.keys, filter), signal: options.signal, onUnreadable: options.onUnreadable, onAlias });
  for await (const { name, version } of scan.summaries()) {
    if (!inScope(name)) continue;
    const line = lineOf(name);
    line.versions++;
    line.latest = Math.max(line.latest ?? 0, version);
  }
  // Alias names arrive with the listing, summaries a batch later: order by key as a listing would.
  const prefixes = new Map([...lines.values()].map((line) => [line, source.keys.namePrefix(line)]));
  return [...lines.values()].sort((a, b) => compareKeys(prefixes.get(a)!, prefixes.get(b)!));
}
