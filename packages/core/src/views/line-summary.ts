import { type LineFilter, type ModelName, formatName } from '../format/keys.js';
import type { AliasReader } from './version-summary.js';
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

export interface LineOverviewReader {
  lineOverview(filter?: LineFilter, options?: ScanCallOptions): Promise<LineOverview[]>;
  aliases(name: ModelName, options?: CallOptions): Promise<AliasInfo[]>;
}

/**
 * Every model line in scope, summarized from one catalog scan (`lineOverview`); alias targets are
 * read only for the lines that have aliases.
 */
export async function summarizeLines(registry: LineOverviewReader, filter: LineFilter = {}, options: ScanCallOptions = {}): Promise<LineSummary[]> {
  return summarizeOverviews(registry, await registry.lineOverview(filter, options), options);
}

/** Lines from `lineOverview` as summary rows; reads the alias targets of the lines that have aliases (e.g. only one page's). */
export function summarizeOverviews(registry: AliasReader, lines: readonly LineOverview[], options: CallOptions = {}): Promise<LineSummary[]> {
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
