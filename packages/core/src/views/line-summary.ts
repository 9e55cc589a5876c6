import { type ModelName, formatName } from '../format/keys.js';
import type { AliasInfo, CallOptions } from '../registry/types.js';

/** One row of `modelreg types` and of the web view's model line lists. */
export interface LineSummary extends ModelName {
  /** `store/product/type` */
  name: string;
  /** How many versions the line has. */
  versions: number;
  latest: number | null;
  /** Alias name -> the version it points at. */
  aliases: Record<string, number>;
}

export interface LineReader {
  versions(name: ModelName, options?: CallOptions): Promise<number[]>;
  aliases(name: ModelName, options?: CallOptions): Promise<AliasInfo[]>;
}

/** A model line's version count, latest version and aliases: two listings, no manifest read. */
export async function summarizeLine(registry: LineReader, line: ModelName, options: CallOptions = {}): Promise<LineSummary> {
  const [numbers, aliases] = await Promise.all([registry.versions(line, options), registry.aliases(line, options)]);
  return {
    name: formatName(line),
    store: line.store,
    product: line.product,
    type: line.type,
    versions: numbers.length,
    latest: numbers.at(-1) ?? null,
    aliases: Object.fromEntries(aliases.map(({ alias, version }) => [alias, version])),
  };
}
