import { type LineFilter, type ModelName, formatName } from '../format/keys.js';
import type { LineOverview } from '../registry/line-overview.js';
import type { AliasInfo, CallOptions, ScanCallOptions } from '../registry/types.js';

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

export interface LineOverviewReader {
  lineOverview(filter?: LineFilter, options?: ScanCallOptions): Promise<LineOverview[]>;
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

/**
 * Every model line in scope, summarized from one catalog scan (`lineOverview`); alias targets are
 * read only for the lines that have aliases.
 */
export async function summarizeLines(registry: LineOverviewReader, filter: LineFilter = {}, options: ScanCallOptions = {}): Promise<LineSummary[]> {
  const lines = await registry.lineOverview(filter, options);
  return Promise.all(
    lines.map(async ({ store, product, type, versions, latest, aliases }) => ({
      name: formatName({ store, product, type }),
      store,
      product,
      type,
      versions,
      latest: latest ?? null,
      aliases: aliases.length === 0 ? {} : Object.fromEntries((await registry.aliases({ store, product, type }, options)).map(({ alias, version }) => [alias, version])),
    })),
  );
}
