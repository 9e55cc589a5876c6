import { type AliasInfo, type LineVersion, type ModelName, type VersionSummary, formatName } from '@modelreg/core';
import { z } from 'zod';
import { type Page, matchesText, page, pageSchema } from './query.js';

export const versionTableSchema = z.object({
  ...pageSchema,
  /** `version`, `createdAt`, `size` or `metric:<name>`. */
  sort: z.string().regex(/^(version|createdAt|size|metric:.+)$/, 'must be version, createdAt, size or metric:<name>').default('version'),
  order: z.enum(['asc', 'desc']).default('desc'),
});

export type VersionTableQuery = z.output<typeof versionTableSchema>;

/**
 * The versions one page of the table shows: filtered and sorted over the catalog's summaries of
 * every version, so only the page's own manifests are read (for their descriptions).
 */
export function versionsOnPage(versions: readonly LineVersion[], aliases: readonly AliasInfo[], query: VersionTableQuery): Page<LineVersion> {
  const aliasesOf = (version: number) => aliases.filter((alias) => alias.version === version).map((alias) => alias.alias);
  const matching = versions.filter((row) => matchesText(query.q, ...searchTexts(row, aliasesOf(row.version))));
  return page(matching.sort(compareBy(query.sort, query.order)), query.offset, query.limit);
}

/**
 * One page of a line's versions, in `modelreg versions --json` shape (`name`, `versions`,
 * `aliases`) plus the paging fields and the metric names of the whole line (the table's metric columns).
 */
export function versionTable(line: ModelName, rows: Page<VersionSummary>, aliases: readonly AliasInfo[], versions: readonly LineVersion[]) {
  const { rows: onPage, ...paging } = rows;
  return {
    name: formatName(line),
    versions: onPage,
    aliases: aliases.map(({ alias, version }) => ({ alias, version })),
    ...paging,
    metricNames: metricNames(versions),
  };
}

/** A line's metrics over its versions, column by column, for the charts (`null` where a version lacks a metric). */
export function metricSeries(line: ModelName, versions: readonly LineVersion[], aliases: readonly AliasInfo[]) {
  return {
    name: formatName(line),
    versions: versions.map((row) => row.version),
    metrics: Object.fromEntries(metricNames(versions).map((name) => [name, versions.map((row) => row.metrics[name] ?? null)])),
    aliases: Object.fromEntries(aliases.map(({ alias, version }) => [alias, version])),
  };
}

function metricNames(versions: readonly LineVersion[]): string[] {
  return [...new Set(versions.flatMap((row) => Object.keys(row.metrics)))].sort();
}

/** What the filter box searches: the version, aliases, tags and metric names (descriptions are not in the catalog). */
function searchTexts(row: LineVersion, aliases: readonly string[]): string[] {
  return [`v${row.version}`, ...aliases, ...Object.entries(row.tags).map(([tag, value]) => `${tag}=${value}`), ...Object.keys(row.metrics)];
}

/** Versions missing the sorted-by metric go last in either order. */
function compareBy(sort: string, order: 'asc' | 'desc'): (a: LineVersion, b: LineVersion) => number {
  const key = (row: LineVersion): number | string | undefined =>
    sort.startsWith('metric:') ? row.metrics[sort.slice('metric:'.length)] : sort === 'createdAt' ? row.createdAt : sort === 'size' ? row.size : row.version;
  const sign = order === 'asc' ? 1 : -1;
  return (a, b) => {
    const [left, right] = [key(a), key(b)];
    if (left === undefined || right === undefined) return left === right ? b.version - a.version : left === undefined ? 1 : -1;
    if (left === right) return sign * (a.version - b.version);
    return sign * (left < right ? -1 : 1);
  };
}
