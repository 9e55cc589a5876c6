import { NotFoundError, type Registry, type UnreadableEntry, aliasView, formatName, lineageView, statsView, summarizeOverviews, summarizeVersion } from '@modelreg/core';
import { z } from 'zod';
import { metricSeries, versionTable, versionTableSchema, versionsOnPage } from './line-views.js';
import type { ManifestCache } from './manifest-cache.js';
import { lineOf, lineSchema, matchesText, page, pageSchema, parseQuery, versionSchema } from './query.js';
import type { RecentReads } from './recent-reads.js';
import { lineVersions, linesInScope } from './scans.js';

export interface ApiContext {
  registry: Registry;
  manifests: ManifestCache;
  recent: RecentReads;
  signal: AbortSignal;
}

/** A JSON route: query parameters in, one JSON document out. */
export type ApiRoute = (params: URLSearchParams, context: ApiContext) => Promise<object>;

/** Adds `skipped` when a read left out entries that are not valid manifests, as the CLI's `--json` output does. */
function withSkipped<T extends object>(view: T, skipped: UnreadableEntry[]): T | (T & { skipped: UnreadableEntry[] }) {
  return skipped.length > 0 ? { ...view, skipped } : view;
}

/** Every route reads through the registry's public read API; none writes. Shapes follow the CLI's `--json` output. */
export const API_ROUTES: Readonly<Record<string, ApiRoute>> = {
  /** `modelreg ls --json` */
  '/api/stores': async (_params, { registry, signal }) => {
    const skipped: UnreadableEntry[] = [];
    const stores = await registry.stores({ signal, onUnreadable: (entry) => skipped.push(entry) });
    return withSkipped({ registry: registry.location, stores }, skipped);
  },

  /** `modelreg ls <store> --json` */
  '/api/products': async (params, { registry, signal }) => {
    const { store } = parseQuery(z.object({ store: z.string().min(1) }), params);
    const skipped: UnreadableEntry[] = [];
    return withSkipped({ products: await registry.products(store, { signal, onUnreadable: (entry) => skipped.push(entry) }) }, skipped);
  },

  /** `modelreg types [scope] --json`, one page of it: the lines from one catalog scan, alias targets read for the page's lines only. */
  '/api/lines': async (params, context) => {
    const query = parseQuery(z.object({ store: z.string().min(1).optional(), product: z.string().min(1).optional(), ...pageSchema }), params);
    const { lines, skipped } = await linesInScope(context, { store: query.store, product: query.product });
    const { rows, ...paging } = page(lines.filter((line) => matchesText(query.q, `${line.store}/${line.product}/${line.type}`)), query.offset, query.limit);
    return withSkipped({ types: await summarizeOverviews(context.registry, rows, { signal: context.signal }), ...paging }, skipped);
  },

  /** `modelreg stats --json` */
  '/api/stats': async (_params, { registry, signal }) => {
    const { view, unreadable } = statsView(registry.location, await registry.stats({ signal }));
    return withSkipped(view, unreadable);
  },

  /** `modelreg versions <line> --json`, sorted, filtered and paged over the catalog's summaries; only the page's manifests are read. */
  '/api/versions': async (params, context) => {
    const query = parseQuery(z.object({ ...lineSchema, ...versionTableSchema.shape }), params);
    const line = lineOf(query);
    const [{ versions, skipped }, aliases] = await Promise.all([lineVersions(context, line), context.registry.aliases(line, { signal: context.signal })]);
    if (versions.length === 0) throw new NotFoundError(`${formatName(line)} has no versions; see "modelreg types" for the model lines that exist.`);
    const { rows, ...paging } = versionsOnPage(versions, aliases, query);
    const read = await context.manifests.versions(line, rows.map((row) => row.version), context.signal);
    const summaries = read.manifests.map((manifest) => summarizeVersion(manifest, aliases));
    return withSkipped(versionTable(line, { rows: summaries, ...paging }, aliases, versions), [...skipped, ...read.skipped]);
  },

  /** Every metric of a line over its versions, for the charts: from the catalog's summaries, no manifest read. */
  '/api/series': async (params, context) => {
    const line = lineOf(parseQuery(z.object(lineSchema), params));
    const [{ versions, skipped }, aliases] = await Promise.all([lineVersions(context, line), context.registry.aliases(line, { signal: context.signal })]);
    return withSkipped(metricSeries(line, versions, aliases), skipped);
  },

  /** `modelreg alias ls <line> --json`: targets, previous targets and the history of moves. */
  '/api/aliases': async (params, { registry, signal }) => {
    const line = lineOf(parseQuery(z.object(lineSchema), params));
    return { aliases: (await registry.aliases(line, { signal })).map(aliasView) };
  },

  /** `modelreg info <ref> --json` */
  '/api/info': (params, { registry, signal }) => registry.info(parseQuery(z.object(versionSchema), params), { signal }),

  /** `modelreg lineage <ref> [--dependents] --json` */
  '/api/lineage': async (params, { registry, signal }) => {
    const { direction, ...version } = parseQuery(z.object({ ...versionSchema, direction: z.enum(['dependencies', 'dependents']).default('dependencies') }), params);
    const skipped: UnreadableEntry[] = [];
    return withSkipped(await lineageView(registry, version, direction, { signal, onUnreadable: (entry) => skipped.push(entry) }), skipped);
  },

  /** `modelreg compare <a> <b> --json` */
  '/api/compare': async (params, { registry, signal }) => {
    const { a, b } = parseQuery(z.object({ a: z.string().min(1), b: z.string().min(1) }), params);
    return registry.compare(a, b, { signal });
  },
};
