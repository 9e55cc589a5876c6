import { type AliasInfo, type Manifest, type ModelName, type VersionSummary, formatName, summarizeVersion } from '@modelreg/core';
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
 * The version numbers one page shows, when that is known without reading manifests: sorted by
 * number and unfiltered. A long line's first page then reads 50 manifests, not all of them.
 */
export function numbersOnPage(numbers: readonly number[], query: VersionTableQuery): number[] | undefined {
  if (query.sort !== 'version' || query.q !== '') return undefined;
  const ordered = query.order === 'desc' ? [...numbers].reverse() : [...numbers];
  return ordered.slice(query.offset, query.offset + query.limit);
}

/** Every version's summary, filtered, sorted and cut to the requested page. */
export function versionRows(manifests: readonly Manifest[], aliases: readonly AliasInfo[], query: VersionTableQuery): Page<VersionSummary> {
  const rows = manifests.map((manifest) => summarizeVersion(manifest, aliases)).filter((row) => matchesText(query.q, ...searchTexts(row)));
  return page(rows.sort(compareBy(query.sort, query.order)), query.offset, query.limit);
}

/** The summaries of the manifests of one page already chosen by `numbersOnPage`. */
export function preselectedRows(manifests: readonly Manifest[], aliases: readonly AliasInfo[], query: VersionTableQuery, total: number): Page<VersionSummary> {
  const rows = manifests.map((manifest) => summarizeVersion(manifest, aliases)).sort(compareBy(query.sort, query.order));
  return { total, offset: query.offset, limit: query.limit, rows };
}

/**
 * One page of a line's versions, in `modelreg versions --json` shape (`name`, `versions`,
 * `aliases`) plus the paging fields and the metric names on the page (the table's metric columns).
 */
export function versionTable(line: ModelName, rows: Page<VersionSummary>, aliases: readonly AliasInfo[]) {
  const { rows: versions, ...paging } = rows;
  return {
    name: formatName(line),
    versions,
    aliases: aliases.map(({ alias, version }) => ({ alias, version })),
    ...paging,
    metricNames: [...new Set(versions.flatMap((row) => Object.keys(row.metrics)))].sort(),
  };
}

/** A line's metrics over its versions, column by column, for the charts (`null` where a version lacks a metric). */
export function metricSeries(line: ModelName, manifests: readonly Manifest[], aliases: readonly AliasInfo[]) {
  const names = metricNames(manifests);
  return {
    name: formatName(line),
    versions: manifests.map((manifest) => manifest.version),
    metrics: Object.fromEntries(names.map((name) => [name, manifests.map((manifest) => manifest.metrics[name] ?? null)])),
    aliases: Object.fromEntries(aliases.map(({ alias, version }) => [alias, version])),
  };
}

function metricNames(manifests: readonly Manifest[]): string[] {
  return [...new Set(manifests.flatMap((manifest) => Object.keys(manifest.metrics)))].sort();
}

/** What the filter box searches: the version, aliases, tags, metric names and the description. */
function searchTexts(row: VersionSummary): string[] {
  return [
    `v${row.version}`,
    row.description,
    ...row.aliases,
    ...Object.entries(row.tags).map(([tag, value]) => `${tag}=${value}`),
    ...Object.keys(row.metrics),
  ];
}

/** Versions missing the sorted-by metric go last in either order. */
function compareBy(sort: string, order: 'asc' | 'desc'): (a: VersionSummary, b: VersionSummary) => number {
  const key = (row: VersionSummary): number | string | undefined =>
    sort.startsWith('metric:') ? row.metrics[sort.slice('metric:'.length)] : sort === 'createdAt' ? row.createdAt : sort === 'size' ? row.size : row.version;
  const sign = order === 'asc' ? 1 : -1;
  return (a, b) => {
    const [left, right] = [key(a), key(b)];
    if (left === undefined || right === undefined) return left === right ? b.version - a.version : left === undefined ? 1 : -1;
    if (left === right) return sign * (a.version - b.version);
    return sign * (left < right ? -1 : 1);
  };
}
